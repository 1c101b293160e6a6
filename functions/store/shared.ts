/**
 * The logic both stores share, pure, so that the memory store used locally and the Firestore store
 * in production cannot drift apart: what a plan's messages become in the outbox, which stored
 * targets a full poll forgets, which pings are kept.
 */
import type { Notice } from '../model/notification.ts';
import type { Changes, OutboxEntry } from './state-store.ts';

/** How many pings per push target are read back (newest first). */
export const RECENT_PINGS = 10;

/**
 * How many pings a push target's record holds: a fixed set of slots, each ping written into one.
 *
 * Why slots: a ping must not read-modify-write the record in a transaction (a burst of pings, a
 * job's retries, would contend and fail), and appending to a list (an array union, as 0.1 did)
 * grows it with every ping until Firestore's 1 MiB limit refuses the write: 150 pings with
 * 10 KB bodies between two polls made 49 of them fail. A fixed number of slots, each written on
 * its own field path, bounds the record by construction (32 × 10 KB ≈ 330 KB) whatever the ping
 * rate, and still contends on nothing.
 *
 * Which slot: one that does not hold one of the `RECENT_PINGS` newest pings as the ping found the
 * record (one read, no transaction), chosen at random among the others. So pings one after
 * another keep exactly the newest `RECENT_PINGS`, and in a burst of concurrent pings (which all
 * find the same record) the random choice spreads them over the other slots; two that pick the
 * same slot keep the one written last. A burst may thus lose some of its own pings, but never
 * the last one written, and never the time of the latest of each kind, which is written apart
 * (`lastSuccess`, `lastStart`, `lastFailure`) by every ping.
 */
export const PING_SLOTS = 32;

/** The slot for the next ping, given what the slots hold now (`undefined`: empty). */
export function freeSlot<T>(
  slots: readonly (T | undefined)[],
  at: (ping: T) => number,
  random: () => number = Math.random,
): number {
  const held = slots.flatMap((ping, slot) => (ping === undefined ? [] : [{ ping, slot }]));
  const newest = new Set(newestPings(held, ({ ping }) => at(ping)).map(({ slot }) => slot));
  const free = Array.from({ length: PING_SLOTS }, (_, slot) => slot).filter((slot) => !newest.has(slot));
  return free[Math.floor(random() * free.length)] ?? 0;
}

/**
 * Where the pings of a record written before slots (an appended list) go when it is tidied: those
 * among the newest `RECENT_PINGS` of the whole record, each into a slot that holds none of them.
 * The rest of the list is dropped with it.
 */
export function slotsForLegacy<T>(
  slots: readonly (T | undefined)[],
  legacy: readonly T[],
  at: (ping: T) => number,
): Map<number, T> {
  const all = [
    ...legacy.map((ping) => ({ ping, slot: undefined })),
    ...slots.flatMap((ping, slot) => (ping === undefined ? [] : [{ ping, slot }])),
  ];
  const newest = newestPings(all, ({ ping }) => at(ping));
  const taken = new Set(newest.map(({ slot }) => slot));
  const free = Array.from({ length: PING_SLOTS }, (_, slot) => slot).filter((slot) => !taken.has(slot));
  const moves = new Map<number, T>();
  for (const { ping, slot } of newest) {
    const into = slot === undefined ? free.shift() : undefined;
    if (into !== undefined) moves.set(into, ping);
  }
  return moves;
}

/** An outbox entry before the store has given it an id: always notices (0.2 on). */
export type NewOutboxEntry = Omit<OutboxEntry, 'id' | 'notification'> & {
  notification: { notices: Notice[] };
};

/**
 * The outbox entries of a plan's messages, once its transitions have ids (`transitionIds[i]` for
 * `changes.transitions[i]`). An entry is as old as its newest transition, so entries are sent in
 * the order things happened.
 */
export function newOutboxEntries(changes: Changes, transitionIds: readonly string[]): NewOutboxEntry[] {
  return changes.messages.map(({ route, transitions, notices }) => {
    const covered = transitions.map((i) => changes.transitions[i]).filter((t) => t !== undefined);
    return {
      targets: [...new Set(covered.map((t) => t.target))],
      transitionIds: transitions.map((i) => transitionIds[i]).filter((id) => id !== undefined),
      route,
      notification: { notices },
      createdAt: new Date(Math.max(...covered.map((t) => t.at.getTime()))),
      attempts: 0,
      lastError: null,
    };
  });
}

/**
 * Stored targets to drop: those a full poll no longer lists (removed from the YAML; none on a
 * partial poll), and those the plan forgets by name (a discovered resource that is gone).
 */
export function forgottenTargets(stored: Iterable<string>, changes: Changes): string[] {
  const keep = changes.allTargets && new Set(changes.allTargets);
  const forget = new Set(changes.forget);
  return [...stored].filter((name) => forget.has(name) || (keep !== undefined && !keep.has(name)));
}

/**
 * The stored names a read selects: each name, and for an entry that ends in "/" (`orders/`, the
 * members of a discovery target) every stored name under it.
 */
export function selectedNames(stored: Iterable<string>, names: readonly string[]): string[] {
  const prefixes = names.filter((name) => name.endsWith('/'));
  if (prefixes.length === 0) return [...names];
  const under = [...stored].filter((name) => prefixes.some((prefix) => name.startsWith(prefix)));
  return [...names.filter((name) => !name.endsWith('/')), ...under];
}

/** Whether a record call has anything to write. */
export function writesAnything(changes: Changes, forgotten: readonly string[]): boolean {
  return changes.statuses.size > 0 || changes.transitions.length > 0 || forgotten.length > 0;
}

/**
 * The newest `RECENT_PINGS` pings, newest first; pings of the same millisecond keep their order of
 * arrival (later first) as far as it is known: `pings` are in order of arrival where there is one.
 */
export function newestPings<T>(pings: readonly T[], at: (ping: T) => number, keep = RECENT_PINGS): T[] {
  return pings
    .map((ping, arrival) => ({ ping, arrival }))
    .sort((a, b) => at(b.ping) - at(a.ping) || b.arrival - a.arrival)
    .slice(0, keep)
    .map(({ ping }) => ping);
}

/**
 * How long history is kept: transitions and the Slack app's incidents carry `expireAt`, this long
 * after their last change, and Firestore's TTL policy on that field (terraform/firestore-ttl.tf)
 * deletes them after it, so the history stays bounded and cheap (a status page shows 90 days).
 */
export const HISTORY_MS = 90 * 86_400_000;

/** When a record last changed at `at` expires. */
export function expiresAfter(at: Date): Date {
  return new Date(at.getTime() + HISTORY_MS);
}
