import pLimit from 'p-limit';
import { formatDuration } from '../config/duration.ts';
import type { Target } from '../config/schema.ts';
import type { Observation } from '../model.ts';
import type { CheckContext } from './check.ts';
import { observe } from './registry.ts';

/** One target's observation and how long it took. */
export interface Observed {
  target: Target;
  observation: Observation;
  durationMs: number;
}

/**
 * Observes every target, at most `concurrency` at a time, each under its own timeout. The timeout
 * starts when the target's check starts, not when it was queued; a check that ignores its signal
 * is abandoned at the timeout all the same, so one hanging target never holds up the poll.
 */
export function observeAll(
  targets: readonly Target[],
  concurrency: number,
  shared: Omit<CheckContext, 'signal'>,
): Promise<Observed[]> {
  const limit = pLimit(concurrency);
  return Promise.all(targets.map((target) => limit(() => observeOne(target, shared))));
}

async function observeOne(target: Target, shared: Omit<CheckContext, 'signal'>): Promise<Observed> {
  const started = performance.now();
  const signal = AbortSignal.timeout(target.timeout);
  const timedOut = new Promise<Observation>((resolve) => {
    signal.addEventListener('abort', () => {
      resolve({ state: 'UNREACHABLE', detail: `timed out after ${formatDuration(target.timeout)}` });
    });
  });
  const checked = observe(target, { ...shared, signal }).catch((error: unknown): Observation => ({
    state: 'UNREACHABLE',
    detail: `the ${target.kind} check failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`,
  }));
  const observation = await Promise.race([checked, timedOut]);
  return { target, observation, durationMs: Math.round(performance.now() - started) };
}
