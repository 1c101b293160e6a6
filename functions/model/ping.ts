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
