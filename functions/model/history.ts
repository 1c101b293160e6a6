import type { HoldReason } from './transition.ts';

/**
 * A target's last 90 days in brief, kept beside the board and changed only with its transitions:
 * what a status page needs (uptime by day and over a window, the recent incidents) in one bounded
 * entry, so a page view reads one document per ~500 targets instead of every transition.
 */
export interface TargetHistory {
  /** When the target was first recorded: uptime counts from here (epoch ms). */
  since: number;
  /**
   * Unhealthy time per UTC day (`day`: days since the epoch), in ms, of the spells dropped from
   * `spells` (past `MAX_SPELLS`, or older than the history): known by day only, so a window that
   * starts or ends within such a day counts its share of it. Days older than the history are dropped.
   */
  down: Record<string, number>;
  /**
   * The latest unhealthy spells, oldest first, at most `MAX_SPELLS`; the last may be ongoing.
   * Known to the millisecond.
   */
  spells: Spell[];
  /**
   * The end of the latest spell dropped from `spells` (epoch ms; 0: none dropped): every dropped
   * spell lies between `since` and here.
   */
  exactFrom: number;
  /**
   * When the latest transition it followed happened (epoch ms; absent before any). A transition
   * older than it is not followed: entries written late (after a large poll's commit) cannot
   * undo what a newer transition, written first, made of the entry.
   */
  lastAt?: number;
}

/** One unhealthy spell: an incident as a status page lists it. */
export interface Spell {
  /** When it became unhealthy (epoch ms). */
  from: number;
  /** When it recovered; null while ongoing. */
  to: number | null;
  /** The states it went through, the recovery's last (`FAILED → PAUSED → RUNNING`), at most `MAX_COURSE`. */
  states: string[];
  /** Whether an alert of it was sent (at its start, at the end of a hold, or as a reminder). */
  alerted: boolean;
  /** What held its first alert back, if anything did. */
  heldBy?: HoldReason;
}

/** Spells kept per target; older ones are summed in `down` only. */
export const MAX_SPELLS = 12;
/** States kept per spell: the first ones and the last. */
export const MAX_COURSE = 8;
export const DAY_MS = 86_400_000;

/** The UTC day of an instant, as `down` keys it. */
export function dayOf(ms: number): number {
  return Math.floor(ms / DAY_MS);
}
