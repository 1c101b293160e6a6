import type { Target } from '../config/schema.ts';
import type { TargetStatus } from '../model/target-status.ts';
import { newTransition, type HoldReason } from '../model/transition.ts';
import type { Decision } from './decide.ts';

/**
 * Applies a hold (a silence, a maintenance window, a failing dependency) to a decision: while held,
 * nothing is sent and the alert is remembered as held back; once the hold is over, a held-back
 * alert goes out if the target is still unhealthy.
 */
export function applyHold(
  target: Pick<Target, 'name'>,
  decision: Decision,
  held: HoldReason | null,
  now: Date,
): Decision {
  const { status, transition } = decision;
  const wasHeld = status.heldBack === true;
  if (held !== null) {
    const holding = !status.healthy && (wasHeld || transition?.message === 'send');
    return {
      status: withHeldBack(status, holding),
      write: decision.write || holding !== wasHeld,
      ...(transition
        ? {
            transition: {
              ...transition,
              ...(transition.message === 'send' ? { message: 'held' as const, heldBy: held } : {}),
            },
          }
        : {}),
    };
  }
  if (!wasHeld) return decision;
  // A change or reminder after the hold says it all; the held-back alert is not sent on top.
  if (transition) return { ...decision, status: withHeldBack(decision.status, false), write: true };
  const released = withHeldBack(status, false);
  if (released.healthy || released.state === null) return { status: released, write: true };
  const still = { state: released.state, healthy: false, detail: released.detail };
  return {
    status: released,
    write: true,
    transition: newTransition({ name: target.name, kind: released.kind }, still, still, now, {
      cause: 'hold-ended',
      message: 'send',
      unhealthySince: released.unhealthySince,
    }),
  };
}

function withHeldBack(status: TargetStatus, held: boolean): TargetStatus {
  const copy: TargetStatus = { ...status };
  if (held) copy.heldBack = true;
  else delete copy.heldBack;
  return copy;
}
