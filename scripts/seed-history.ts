/**
 * Months of history for a status page, made in seconds: each target's transitions (up from the
 * start, down now and then, up again) are recorded through `StateStore.record`, as a poll would
 * record them, so the board, the transitions and the history entries are the product's own, not a
 * copy of its format that could drift. Deterministic for a given `now` and `seed` (an LCG, not
 * Math.random), so a benchmark measures the same history every run and a screenshot shows the same
 * page. Used by scripts/bench-status.ts (300 identical push targets) and
 * scripts/screenshot-status.ts (a few targets of every sort, one of them down now).
 */
import type { Kind } from '../functions/config/schema.ts';
import type { TargetStatus } from '../functions/model/target-status.ts';
import { newTransition, type Transition } from '../functions/model/transition.ts';
import type { StateStore } from '../functions/store/state-store.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Transitions per `record` call: the store writes history beyond its transaction past ~500. */
const BATCH = 400;

/** A state and the detail a check would give with it. */
export interface Said {
  state: string;
  detail: string;
}

/** A target to seed and, optionally, how its history goes (else as bench-status always had it). */
export interface SeedTarget {
  name: string;
  kind: Kind;
  /** Chance of an incident on any one day; default: the options' `incidentRate`. */
  incidentRate?: number;
  /** An incident lasts 5 minutes plus up to this (ms); default 3 hours. */
  longest?: number;
  /** The healthy state at each recovery (default UP, `back`), and at the first record (default: `up`, else UP, `first ping`). */
  up?: Said;
  first?: Said;
  /** How an incident starts, one picked per incident. Default FAILED, `exit 1`. */
  failures?: Said[];
  /** What 30% of incidents go on to before they recover (null: none). Default DOWN, `late`. */
  worse?: Said | null;
  /** Down now: a last incident that started this long before `now` (ms) and has not recovered. */
  endsUnhealthy?: Said & { for: number };
}

export interface SeedOptions {
  now: number;
  days?: number;
  /** Chance of an incident on any one day, for targets that do not set their own. */
  incidentRate?: number;
  seed?: number;
}

export interface Seeded {
  targets: number;
  /** Unhealthy spells, the ongoing ones included. */
  incidents: number;
  transitions: number;
  /** How long the store took to record them (ms). */
  recordMs: number;
}

/**
 * Records `days` of history of each target, ending at `now`: up from the start, then on about
 * `incidentRate` of days an incident of 5 minutes to `longest` (a failure, in 30% of them a worse
 * state, then a recovery; 10% of them held back, as by a silence), and, with `endsUnhealthy`, one
 * still going on. Targets given as names are push targets with the defaults above.
 */
export async function seedHistory(
  store: Pick<StateStore, 'record'>,
  targets: readonly (string | SeedTarget)[],
  { now, days = 90, incidentRate = 0.08, seed = 42 }: SeedOptions,
): Promise<Seeded> {
  // The incidents' times come from one stream, drawn in the order bench-status.ts drew them before
  // this module existed (per day: skip?, start, length, held?, worse?), so it still measures the
  // very same history and its figures stay comparable with earlier ones. Which failure text an
  // incident shows comes from a second stream: giving targets several texts moves no incident.
  const random = lcg(seed);
  const pick = lcg(seed + 1);
  const events: Transition[] = [];
  let incidents = 0;
  for (const given of targets) {
    const target = typeof given === 'string' ? { name: given, kind: 'push' as const } : given;
    const rate = target.incidentRate ?? incidentRate;
    const longest = target.longest ?? 3 * HOUR;
    const up = { healthy: true, ...(target.up ?? { state: 'UP', detail: 'back' }) };
    const failures = target.failures ?? [{ state: 'FAILED', detail: 'exit 1' }];
    const worse = target.worse === undefined ? { state: 'DOWN', detail: 'late' } : target.worse;
    const start = now - days * DAY;
    // An ongoing incident must be the last: earlier ones that would overlap it are left out.
    const ongoingFrom = target.endsUnhealthy ? now - target.endsUnhealthy.for : Infinity;
    events.push(
      newTransition(
        target,
        null,
        { healthy: true, ...(target.first ?? target.up ?? { state: 'UP', detail: 'first ping' }) },
        new Date(start),
        { cause: 'change', message: 'none', unhealthySince: null },
      ),
    );
    for (let day = 0; day < days; day++) {
      if (random() > rate) continue;
      const from = start + day * DAY + Math.floor(random() * (DAY - 4 * HOUR));
      const to = from + 300_000 + Math.floor(random() * longest);
      const message = random() < 0.1 ? 'held' : 'send';
      const worsens = random() < 0.3 && worse !== null;
      if (to >= ongoingFrom) continue;
      incidents++;
      const since = new Date(from);
      const failed = { healthy: false, ...choose(failures, pick) };
      events.push(
        newTransition(target, up, failed, since, { cause: 'change', message, unhealthySince: since }),
      );
      const worsened = worsens ? { healthy: false, ...worse } : null;
      if (worsened) {
        events.push(
          newTransition(target, failed, worsened, new Date((from + to) / 2), {
            cause: 'change',
            message: 'send',
            unhealthySince: since,
          }),
        );
      }
      events.push(
        newTransition(target, worsened ?? failed, up, new Date(to), {
          cause: 'change',
          message: 'send',
          unhealthySince: since,
        }),
      );
    }
    if (target.endsUnhealthy) {
      incidents++;
      const since = new Date(ongoingFrom);
      const { state, detail } = target.endsUnhealthy;
      events.push(
        newTransition(target, up, { state, healthy: false, detail }, since, {
          cause: 'change',
          message: 'send',
          unhealthySince: since,
        }),
      );
    }
  }

  // In time order and in batches, as polls would have recorded them: each batch writes the board
  // entries of its targets (the latest transition of each) and advances their history entries.
  events.sort((a, b) => a.at.getTime() - b.at.getTime());
  const started = performance.now();
  for (let from = 0; from < events.length; from += BATCH) {
    const batch = events.slice(from, from + BATCH);
    const statuses = new Map<string, TargetStatus>();
    for (const t of batch) {
      statuses.set(t.target, {
        kind: t.kind,
        state: t.to,
        healthy: t.toHealthy,
        since: t.at,
        detail: t.detail,
        unhealthySince: t.toHealthy ? null : t.unhealthySince,
        streak: null,
      });
    }
    await store.record([...statuses.keys()], () => ({ statuses, transitions: batch, messages: [] }));
  }
  return {
    targets: targets.length,
    incidents,
    transitions: events.length,
    recordMs: performance.now() - started,
  };
}

function choose<T>(list: readonly T[], random: () => number): T {
  const chosen = list[Math.floor(random() * list.length)];
  if (chosen === undefined) throw new Error('seedHistory: a target with no failures to choose from');
  return chosen;
}

/** A linear congruential generator (glibc's constants): the same numbers from the same seed. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}
