import pLimit, { type LimitFunction } from 'p-limit';
import { formatDuration } from '../config/duration.ts';
import type { Kind, Target } from '../config/schema.ts';
import { sanitizeObservation, type Observation } from '../model/observation.ts';
import { discoveryKey, LISTED, listedObservation, listTarget, memberTarget } from './discovery.ts';
import type { CheckContext, Listed, PrepareContext } from './kind.ts';
import { kindOf } from './registry.ts';

/** One target's observation and how long it took. */
export interface Observed {
  target: Target;
  observation: Observation;
  durationMs: number;
  /**
   * On a discovery target (`"*"`): the target as configured (its settings are its members'), and
   * the member names its list found, or null when the list failed (then its members are neither
   * checked nor forgotten).
   */
  discovery?: { configured: Target; members: string[] | null };
}

export type ObserveContext = Omit<CheckContext, 'signal'> & PrepareContext;

/**
 * Observes every target, at most `concurrency` at a time, each under its own timeout. Each kind
 * first prepares what all its targets need (one batched read). The timeout starts when the
 * target's check starts, not when it was queued; a check that ignores its signal is abandoned at
 * the timeout all the same, so one hanging target never holds up the poll.
 */
export async function observeAll(
  targets: readonly Target[],
  concurrency: number,
  context: ObserveContext,
): Promise<Observed[]> {
  const prepared = new Map<Kind, unknown>();
  for (const kind of new Set(targets.map((t) => t.kind))) {
    const ofKind = targets.filter((t) => t.kind === kind);
    const module = kindOf(ofKind[0] as Target);
    if (module.prepare) prepared.set(kind, await module.prepare(ofKind, context));
  }
  const limit = pLimit(concurrency);
  const observed = await Promise.all(
    targets.map(async (target) => {
      const key = discoveryKey(target);
      if (key === null) return [await limit(() => observeOne(target, context, prepared.get(target.kind)))];
      return discover(target, key, context, limit, prepared.get(target.kind));
    }),
  );
  return observed.flat();
}

/**
 * A discovery target: its list, then each resource it found checked as a target of its own (with
 * what the list said of it, so a complete listing costs no further request).
 */
async function discover(
  target: Target,
  key: string,
  context: ObserveContext,
  limit: LimitFunction,
  prepared: unknown,
): Promise<Observed[]> {
  let listed: Listed[] = [];
  const list = await limit(() =>
    withinTimeout(target, context, async (checkContext) => {
      const found = await (kindOf(target).discovery?.list(target, checkContext) ?? []);
      if (!Array.isArray(found)) return found;
      listed = found;
      return listedObservation(
        listed.map((item) => item.id),
        `${key}s`,
      );
    }),
  );
  const ok = list.observation.state === LISTED;
  const parent: Observed = {
    ...list,
    target: listTarget(target),
    discovery: {
      configured: target,
      members: ok ? listed.map(({ id }) => memberTarget(target, key, id).name) : null,
    },
  };
  if (!ok) return [parent];
  const members = await Promise.all(
    listed.map(({ id, resource }) =>
      limit(() => observeOne(memberTarget(target, key, id), context, prepared, resource)),
    ),
  );
  return [parent, ...members];
}

function observeOne(
  target: Target,
  shared: ObserveContext,
  prepared: unknown,
  listed?: Record<string, unknown>,
): Promise<Observed> {
  return withinTimeout(target, shared, (context) =>
    // `prepared` is what this target's own kind prepared (or undefined when it prepares nothing).
    kindOf(target).check(target, listed ? { ...context, listed } : context, prepared as never),
  );
}

/** Runs a target's check under its timeout: whatever happens, an observation comes back. Exported for its test. */
export async function withinTimeout(
  target: Target,
  shared: ObserveContext,
  check: (context: CheckContext) => Promise<Observation>,
): Promise<Observed> {
  const started = performance.now();
  // A timer of our own, cleared when the check ends, rather than AbortSignal.timeout(): that one's
  // timer holds the signal, and through its listeners the whole request, until it fires, so that
  // a poll kept every answer of the last `timeout` alive (at ten thousand targets, most of them).
  const controller = new AbortController();
  const { signal } = controller;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Observation>((resolve) => {
    timer = setTimeout(() => {
      // The reason AbortSignal.timeout() gives, which network errors are described by.
      controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
      resolve({ state: 'UNREACHABLE', detail: `timed out after ${formatDuration(target.timeout)}` });
    }, target.timeout);
  });
  const context: CheckContext = { signal, now: shared.now, google: shared.google };
  // Through then(): a check that throws before its first await is caught all the same.
  const checked = Promise.resolve()
    .then(() => check(context))
    .catch((error: unknown): Observation => ({
      state: 'UNREACHABLE',
      detail: `the ${target.kind} check failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
    }));
  // Whatever the check returned, what goes on is a state name and a detail of bounded size.
  let raced: Observation;
  try {
    raced = await Promise.race([checked, timedOut]);
  } finally {
    clearTimeout(timer);
  }
  const observation = sanitizeObservation(raced);
  return { target, observation, durationMs: Math.round(performance.now() - started) };
}
