/**
 * The shared vocabulary of a poll. Checks produce {@link Observation}s, evaluation turns them into
 * {@link TargetStatus}es and {@link Transition}s, the store keeps them, notify sends them.
 */
import type { Kind } from './config/schema.ts';

/** What a check saw: a state name (`RUNNING`, `DEGRADED`, `UNREACHABLE`…) and the evidence for it. */
export interface Observation {
  state: string;
  detail: string;
}

/** The stored, current state of one target. */
export interface TargetStatus {
  kind: Kind;
  state: string;
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
  /** An alert was held back by a silence; sent when the silence ends if still unhealthy. */
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

/** A change of state, recorded once and, when {@link Transition.notify}, sent once. */
export interface Transition {
  target: string;
  kind: Kind;
  /** null on the first observation of a target. */
  from: string | null;
  fromHealthy: boolean | null;
  to: string;
  toHealthy: boolean;
  at: Date;
  detail: string;
  /** For a recovery: when the unhealthy spell it ends began. */
  unhealthySince: Date | null;
  notify: boolean;
  /** Not a change: a reminder that the target is still unhealthy (`remindEvery`). */
  reminder?: true;
  /** Not a change: the alert held back by a silence that has ended. */
  afterSilence?: true;
  /** Recorded while the target was silenced, so not sent. */
  silenced?: true;
}

/** A Slack message, already built: Block Kit blocks and the plain-text fallback. */
export interface OutboundMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/** What a job can tell us: it succeeded, it started, it failed. */
export const pingKinds = ['success', 'start', 'fail'] as const;
export type PingKind = (typeof pingKinds)[number];

/** One check-in of a push target. */
export interface Ping {
  kind: PingKind;
  at: Date;
  /** The request body or `msg`, capped: "backup failed: disk full". */
  message: string;
  exitCode: number | null;
  /** Tianji's `value`, e.g. a duration or a count the job reports. */
  value: number | null;
}

/** What is kept of a push target's pings: the latest of each kind and the last few. */
export interface PushRecord {
  lastSuccess: Date | null;
  lastStart: Date | null;
  lastFailure: Date | null;
  /** Newest first, at most a few. */
  recent: Ping[];
}
