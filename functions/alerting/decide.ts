/**
 * The alert policy, in one place and pure: given what a target was and what it is now, decide
 * what to record and whether to tell anyone.
 *
 * 1. First observation: healthy is recorded silently; unhealthy alerts.
 * 2. Same state and same health as stored: nothing happens (no write, no message).
 * 3. Healthy → healthy (STARTING → RUNNING): recorded, not sent.
 * 4. Anything that involves an unhealthy side (healthy ↔ unhealthy, unhealthy → other unhealthy):
 *    recorded and sent.
 * 5. A change of health waits for `failureThreshold` unhealthy (or `successThreshold` healthy)
 *    observations in a row before it is recorded; meanwhile the streak is stored, so the count
 *    survives cold starts and overlapping polls, and one observation that agrees with the
 *    recorded state resets it. A target never confirmed yet counts as healthy.
 * 6. While a target stays unhealthy, a reminder goes out every `remindEvery` after the last
 *    message about it (the alert, a later change, or the previous reminder); none after recovery.
 * 7. While a target is held (silence, maintenance window, failing dependency: hold.ts), changes
 *    are recorded but not sent; when the hold ends and the target is still unhealthy, one alert
 *    says so. A flap inside a hold sends nothing.
 *
 * Health is judged against the allowed states of the config in force, so editing `allowedStates`
 * can flip a target's health without its state changing; that is a transition too.
 */
import type { Target, Threshold } from '../config/schema.ts';
import type { Observation } from '../model/observation.ts';
import type { Streak, TargetStatus } from '../model/target-status.ts';
import { newTransition, type Transition } from '../model/transition.ts';

/** What this poll makes of one target. */
export interface Decision {
  status: TargetStatus;
  /** The status differs from the stored one and must be written (a transition, or a streak). */
  write: boolean;
  /** A recorded transition; absent when nothing changed or a streak is still counting. */
  transition?: Transition;
}

type Judged = Pick<
  Target,
  'name' | 'kind' | 'allowedStates' | 'failureThreshold' | 'successThreshold' | 'remindEvery'
>;

export function isHealthy(target: Pick<Target, 'allowedStates'>, state: string): boolean {
  return target.allowedStates.includes(state);
}

export function decide(
  target: Judged,
  observation: Observation,
  previous: TargetStatus | undefined,
  now: Date,
): Decision {
  const healthy = isHealthy(target, observation.state);
  // A status without a confirmed state only carries a streak: there is nothing to compare with.
  const confirmed = previous && previous.state !== null ? { ...previous, state: previous.state } : undefined;
  if (previous && confirmed && confirmed.state === observation.state && confirmed.healthy === healthy) {
    const reminder = remind(target, confirmed, now);
    if (reminder) return reminder;
    return previous.streak
      ? { status: { ...previous, streak: null }, write: true }
      : { status: previous, write: false };
  }

  const flips = (confirmed?.healthy ?? true) !== healthy;
  const needed: Threshold = !flips
    ? { count: 1 }
    : healthy
      ? target.successThreshold
      : target.failureThreshold;
  const continuing = previous?.streak?.healthy === healthy ? previous.streak : null;
  const count = (continuing?.count ?? 0) + 1;
  const lasted = now.getTime() - (continuing?.since ?? now).getTime();
  if ('count' in needed ? count < needed.count : lasted < needed.forMs) {
    const streak: Streak = {
      state: observation.state,
      healthy,
      count,
      since: continuing?.since ?? now,
      detail: observation.detail,
    };
    const base: TargetStatus = previous ?? {
      kind: target.kind,
      state: null,
      healthy: true,
      since: now,
      detail: '',
      unhealthySince: null,
      streak: null,
    };
    return { status: { ...base, streak }, write: true };
  }

  // The unhealthy spell (and its alert time) starts with the first unhealthy observation counted.
  const unhealthySince = healthy ? null : (confirmed?.unhealthySince ?? continuing?.since ?? now);
  const status: TargetStatus = {
    kind: target.kind,
    state: observation.state,
    healthy,
    since: now,
    detail: observation.detail,
    unhealthySince,
    streak: null,
  };
  const transition = newTransition(target, confirmed ?? null, { ...observation, healthy }, now, {
    cause: 'change',
    message: !healthy || confirmed?.healthy === false ? 'send' : 'none',
    unhealthySince: healthy ? (confirmed?.unhealthySince ?? null) : unhealthySince,
  });
  return { status, write: true, transition };
}

/** A reminder, when the target is still unhealthy and `remindEvery` has passed since the last message. */
function remind(target: Judged, confirmed: TargetStatus & { state: string }, now: Date): Decision | null {
  if (confirmed.healthy || target.remindEvery === null) return null;
  const lastMessage = Math.max(confirmed.since.getTime(), confirmed.remindedAt?.getTime() ?? 0);
  if (now.getTime() - lastMessage < target.remindEvery) return null;
  return {
    status: { ...confirmed, streak: null, remindedAt: now },
    write: true,
    transition: newTransition(target, confirmed, confirmed, now, {
      cause: 'reminder',
      message: 'send',
      unhealthySince: confirmed.unhealthySince,
    }),
  };
}
