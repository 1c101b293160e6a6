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
 *
 * 6. While a target stays unhealthy, a reminder goes out every `remindEvery` after the last
 *    message about it (the alert, a later change, or the previous reminder); none after recovery.
 *
 * 7. While a target is silenced, changes are recorded but not sent; when the silence ends and the
 *    target is still unhealthy, one alert says so. A flap inside a silence sends nothing.
 *
 * Health is judged against the allowed states of the config in force, so editing `allowedStates`
 * can flip a target's health without its state changing; that is a transition too.
 */
import type { Target, Threshold } from './config/schema.ts';
import type { Observation, Streak, TargetStatus, Transition } from './model.ts';

/** Stands for "no state confirmed yet" while the first observations are still being counted. */
export const UNCONFIRMED = '(unconfirmed)';

/** What this poll makes of one target. */
export interface Decision {
  status: TargetStatus;
  /** The status differs from the stored one and must be written (a transition, or a streak). */
  changed: boolean;
  /** A recorded change of state; absent when nothing changed or a streak is still counting. */
  transition?: Transition;
}

type Judged = Pick<
  Target,
  'name' | 'kind' | 'allowedStates' | 'failureThreshold' | 'successThreshold' | 'remindEvery'
>;

export function isHealthy(target: Pick<Target, 'allowedStates'>, state: string): boolean {
  return target.allowedStates.includes(state);
}

/** The recorded state, or null while the first observations are still being counted. */
export function confirmedState(status: TargetStatus | undefined): string | null {
  return status && status.state !== UNCONFIRMED ? status.state : null;
}

export function decide(
  target: Judged,
  observation: Observation,
  previous: TargetStatus | undefined,
  now: Date,
): Decision {
  const healthy = isHealthy(target, observation.state);
  const confirmed = confirmedState(previous) === null ? undefined : previous;
  if (previous && confirmed && confirmed.state === observation.state && confirmed.healthy === healthy) {
    const reminder = remind(target, confirmed, now);
    if (reminder) return reminder;
    return previous.streak
      ? { status: { ...previous, streak: null }, changed: true }
      : { status: previous, changed: false };
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
      state: UNCONFIRMED,
      healthy: true,
      since: now,
      detail: '',
      unhealthySince: null,
      streak: null,
    };
    return { status: { ...base, streak }, changed: true };
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
  const fromHealthy = confirmed?.healthy ?? null;
  return {
    status,
    changed: true,
    transition: {
      target: target.name,
      kind: target.kind,
      from: confirmed?.state ?? null,
      fromHealthy,
      to: observation.state,
      toHealthy: healthy,
      at: now,
      detail: observation.detail,
      unhealthySince: healthy ? (confirmed?.unhealthySince ?? null) : unhealthySince,
      notify: !healthy || fromHealthy === false,
    },
  };
}

/** A reminder, when the target is still unhealthy and `remindEvery` has passed since the last message. */
function remind(target: Judged, confirmed: TargetStatus, now: Date): Decision | null {
  if (confirmed.healthy || target.remindEvery === null) return null;
  const lastMessage = Math.max(confirmed.since.getTime(), confirmed.remindedAt?.getTime() ?? 0);
  if (now.getTime() - lastMessage < target.remindEvery) return null;
  return {
    status: { ...confirmed, streak: null, remindedAt: now },
    changed: true,
    transition: {
      target: target.name,
      kind: target.kind,
      from: confirmed.state,
      fromHealthy: false,
      to: confirmed.state,
      toHealthy: false,
      at: now,
      detail: confirmed.detail,
      unhealthySince: confirmed.unhealthySince,
      notify: true,
      reminder: true,
    },
  };
}

/**
 * Applies a silence to a decision: while silenced nothing is sent (the alert is held back); once
 * the silence is over, a held-back alert goes out if the target is still unhealthy.
 */
export function applySilence(
  target: Pick<Target, 'name'>,
  decision: Decision,
  silenced: boolean,
  now: Date,
): Decision {
  const { status, transition } = decision;
  const wasHeld = status.heldBack === true;
  if (silenced) {
    const held = !status.healthy && (wasHeld || transition?.notify === true);
    return {
      status: withHeldBack(status, held),
      changed: decision.changed || held !== wasHeld,
      ...(transition ? { transition: { ...transition, notify: false, silenced: true } } : {}),
    };
  }
  if (!wasHeld) return decision;
  // A change or reminder after the silence says it all; the held-back alert is not sent on top.
  if (transition) return { ...decision, status: withHeldBack(decision.status, false), changed: true };
  const released = withHeldBack(status, false);
  if (released.healthy) return { status: released, changed: true };
  return {
    status: released,
    changed: true,
    transition: {
      target: target.name,
      kind: released.kind,
      from: released.state,
      fromHealthy: false,
      to: released.state,
      toHealthy: false,
      at: now,
      detail: released.detail,
      unhealthySince: released.unhealthySince,
      notify: true,
      afterSilence: true,
    },
  };
}

function withHeldBack(status: TargetStatus, held: boolean): TargetStatus {
  const copy: TargetStatus = { ...status };
  if (held) copy.heldBack = true;
  else delete copy.heldBack;
  return copy;
}
