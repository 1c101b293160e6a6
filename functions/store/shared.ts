/**
 * The logic both stores share, pure, so that the memory store used locally and the Firestore store
 * in production cannot drift apart: what a plan's messages become in the outbox, which stored
 * targets a full poll forgets, which pings are kept.
 */
import type { Notice } from '../model/notification.ts';
import type { Changes, OutboxEntry } from './state-store.ts';

/** How many pings per push target are kept (newest first). */
export const RECENT_PINGS = 10;

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

/** Stored targets that a full poll no longer lists (removed from the YAML); none on a partial poll. */
export function forgottenTargets(stored: Iterable<string>, changes: Changes): string[] {
  const keep = changes.allTargets;
  return keep ? [...stored].filter((name) => !keep.includes(name)) : [];
}

/** Whether a record call has anything to write. */
export function writesAnything(changes: Changes, forgotten: readonly string[]): boolean {
  return changes.statuses.size > 0 || changes.transitions.length > 0 || forgotten.length > 0;
}

/**
 * The newest `RECENT_PINGS` pings, newest first; pings of the same millisecond keep their order of
 * arrival (later first). `pings` are in order of arrival, as an array union appends them.
 */
export function newestPings<T>(pings: readonly T[], at: (ping: T) => number, keep = RECENT_PINGS): T[] {
  return pings
    .map((ping, arrival) => ({ ping, arrival }))
    .sort((a, b) => at(b.ping) - at(a.ping) || b.arrival - a.arrival)
    .slice(0, keep)
    .map(({ ping }) => ping);
}
