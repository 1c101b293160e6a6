import pLimit from 'p-limit';
import { formatDuration } from '../config/duration.ts';
import type { Kind, Target } from '../config/schema.ts';
import { sanitizeObservation, type Observation } from '../model/observation.ts';
import type { CheckContext, PrepareContext } from './kind.ts';
import { kindOf } from './registry.ts';

/** One target's observation and how long it took. */
export interface Observed {
  target: Target;
  observation: Observation;
  durationMs: number;
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
  return Promise.all(
    targets.map((target) => limit(() => observeOne(target, context, prepared.get(target.kind)))),
  );
}

async function observeOne(target: Target, shared: ObserveContext, prepared: unknown): Promise<Observed> {
  const started = performance.now();
  const signal = AbortSignal.timeout(target.timeout);
  const timedOut = new Promise<Observation>((resolve) => {
    signal.addEventListener('abort', () => {
      resolve({ state: 'UNREACHABLE', detail: `timed out after ${formatDuration(target.timeout)}` });
    });
  });
  const context: CheckContext = { signal, now: shared.now, google: shared.google };
  // Through then(): a check that throws before its first await is caught all the same.
  const checked = Promise.resolve()
    // `prepared` is what this target's own kind prepared (or undefined when it prepares nothing).
    .then(() => kindOf(target).check(target, context, prepared as never))
    .catch((error: unknown): Observation => ({
      state: 'UNREACHABLE',
      detail: `the ${target.kind} check failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
    }));
  // Whatever the check returned, what goes on is a state name and a detail of bounded size.
  const observation = sanitizeObservation(await Promise.race([checked, timedOut]));
  return { target, observation, durationMs: Math.round(performance.now() - started) };
}
