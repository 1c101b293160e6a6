/**
 * The alert policy, in one place and pure: given what a target was and what it is now, decide
 * what to record and whether to tell anyone.
 *
 * 1. First observation: healthy is recorded silently; unhealthy alerts.
 * 2. Same state and same health as stored: nothing happens (no write, no message).
 * 3. Healthy → healthy (STARTING → RUNNING): recorded, not sent.
 * 4. Anything that involves an unhealthy side (healthy ↔ unhealthy, unhealthy → other unhealthy):
 *    recorded and sent.
 *
 * Health is judged against the allowed states of the config in force, so editing `allowedStates`
 * can flip a target's health without its state changing; that is a transition too.
 */
import type { Target } from './config/schema.ts';
import type { Observation, TargetStatus, Transition } from './model.ts';

/** What this poll makes of one target. */
export interface Decision {
  status: TargetStatus;
  /** Absent when nothing changed: then nothing is written. */
  transition?: Transition;
}

export function isHealthy(target: Pick<Target, 'allowedStates'>, state: string): boolean {
  return target.allowedStates.includes(state);
}

export function decide(
  target: Pick<Target, 'name' | 'kind' | 'allowedStates'>,
  observation: Observation,
  previous: TargetStatus | undefined,
  now: Date,
): Decision {
  const healthy = isHealthy(target, observation.state);
  if (previous && previous.state === observation.state && previous.healthy === healthy) {
    return { status: previous };
  }
  const unhealthySince = healthy ? null : (previous?.unhealthySince ?? now);
  const status: TargetStatus = {
    kind: target.kind,
    state: observation.state,
    healthy,
    since: now,
    detail: observation.detail,
    unhealthySince,
  };
  const fromHealthy = previous?.healthy ?? null;
  return {
    status,
    transition: {
      target: target.name,
      kind: target.kind,
      from: previous?.state ?? null,
      fromHealthy,
      to: observation.state,
      toHealthy: healthy,
      at: now,
      detail: observation.detail,
      unhealthySince: healthy ? (previous?.unhealthySince ?? null) : unhealthySince,
      notify: !healthy || fromHealthy === false,
    },
  };
}
