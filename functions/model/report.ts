/**
 * A route's weekly report, as stored in the outbox and rendered by each notifier when it sends:
 * uptime per target and the incidents of one week (Monday 00:00 UTC to the next). Plain data,
 * times as ISO strings, so it is stored as it is.
 */
export interface WeeklyReport {
  route: string;
  /** The week: from Monday 00:00 UTC to the next Monday. */
  from: string;
  to: string;
  /** How many of the route's targets there are; `targets` lists the worst of them. */
  total: number;
  /** The uptime over all of them: healthy time over recorded time. */
  uptime: number | null;
  /** The lowest uptimes first, at most `REPORT_TARGETS`. */
  targets: { name: string; uptime: number | null; incidents: number; downMs: number }[];
  /**
   * Incidents that overlapped the week, newest first, at most `REPORT_INCIDENTS`; `to` null: still
   * going when the week ended (its duration counted to then).
   */
  incidents: { target: string; from: string; to: string | null; durationMs: number; states: string[] }[];
  /** Incidents of the week in all (more may be left out of `incidents`). */
  incidentCount: number;
}

export const REPORT_TARGETS = 20;
export const REPORT_INCIDENTS = 15;
