import type { Kind } from '../config/schema.ts';

/** The stored, current state of one target. */
export interface TargetStatus {
  kind: Kind;
  /**
   * The confirmed state; null while a target's first observations are still being counted
   * towards its threshold (it then counts as healthy).
   */
  state: string | null;
  healthy: boolean;
  /** When the target entered this state. */
  since: Date;
  detail: string;
  /** When the current unhealthy spell began (kept across unhealthy → unhealthy); null while healthy. */
  unhealthySince: Date | null;
  /**
   * Consecutive observations whose health differs from the confirmed state, counted towards the
   * target's failure or success threshold; null when the last observation agreed with it.
   */
  streak: Streak | null;
  /** When the last reminder of this unhealthy spell went out (absent: none yet). */
  remindedAt?: Date;
  /** An alert was held back by a silence, a maintenance window or a dependency; sent when the hold ends if still unhealthy. */
  heldBack?: true;
}

/** A change of health seen but not confirmed yet: `count` polls in a row so far. */
export interface Streak {
  /** The latest state observed in the streak. */
  state: string;
  healthy: boolean;
  count: number;
  since: Date;
  detail: string;
}
