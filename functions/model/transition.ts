import type { Kind } from '../config/schema.ts';

/** A change of state (or a reminder of one), recorded once and, when its message is `send`, sent once. */
export interface Transition {
  target: string;
  kind: Kind;
  cause: Cause;
  /** null on the first observation of a target. */
  from: string | null;
  fromHealthy: boolean | null;
  to: string;
  toHealthy: boolean;
  at: Date;
  detail: string;
  /** When the unhealthy spell began; for a recovery, the spell it ends. */
  unhealthySince: Date | null;
  message: MessageFate;
  /** What held its message back, when `message` is `held` (absent in transitions before 0.3). */
  heldBy?: HoldReason;
}

/**
 * Why a transition is recorded: the state changed; a `remindEvery` reminder that it has not; or
 * the end of a hold (silence, maintenance window, dependency) with the target still unhealthy.
 */
export const causes = ['change', 'reminder', 'hold-ended'] as const;
export type Cause = (typeof causes)[number];

/**
 * What becomes of a transition's message: sent; held back by a silence, a maintenance window or
 * a failing dependency; or none, because nothing unhealthy is involved (healthy → healthy).
 */
export const messageFates = ['send', 'held', 'none'] as const;
export type MessageFate = (typeof messageFates)[number];

/** What holds a target's alerts back: an ad-hoc silence, a maintenance window, a failing dependency. */
export const holdReasons = ['silence', 'maintenance', 'dependency'] as const;
export type HoldReason = (typeof holdReasons)[number];

/** A state as a transition starts from or arrives at. */
interface Side {
  state: string;
  healthy: boolean;
}

/** The one way to make a transition, so every one carries the same fields. */
export function newTransition(
  target: { name: string; kind: Kind },
  from: Side | null,
  to: Side & { detail: string },
  at: Date,
  fields: { cause: Cause; message: MessageFate; unhealthySince: Date | null },
): Transition {
  return {
    target: target.name,
    kind: target.kind,
    cause: fields.cause,
    from: from?.state ?? null,
    fromHealthy: from?.healthy ?? null,
    to: to.state,
    toHealthy: to.healthy,
    at,
    detail: to.detail,
    unhealthySince: fields.unhealthySince,
    message: fields.message,
  };
}
