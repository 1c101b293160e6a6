import type { TargetHistory } from '../model/history.ts';
import type { Notice, Notification } from '../model/notification.ts';
import type { WeeklyReport } from '../model/report.ts';
import type { Ping, PushRecord } from '../model/ping.ts';
import type { TargetStatus } from '../model/target-status.ts';
import type { Transition } from '../model/transition.ts';

/** What one poll decided, given the stored states it was shown. */
export interface Changes {
  /** New states of the targets that changed; targets not listed are left as they are. */
  statuses: Map<string, TargetStatus>;
  /** The transitions to record. */
  transitions: Transition[];
  /**
   * The messages to send: one per route per poll, each covering some of `transitions` (by index),
   * so that one shared outage is one message, not forty. What is stored is what happened (the
   * notices); each notifier renders it when it sends.
   */
  messages: { route: string; transitions: number[]; notices: Notice[] }[];
  /**
   * Every target there is: stored states of any other target (removed from the YAML) are dropped.
   * Absent for a poll of some targets only (`?target=`), which must not forget the rest.
   */
  allTargets?: readonly string[];
  /** Targets whose stored states are dropped, whatever else is written (a discovered resource now gone). */
  forget?: readonly string[];
}

/** Documents (or entries) read and written, as the store's backend counts and bills them. */
export interface OperationCount {
  reads: number;
  writes: number;
}

/** A message taken for sending. */
export interface Claim {
  /** A send of it was started before: it failed (released), or its sender died with the lease. */
  mayHaveBeenSent: boolean;
}

/** A message waiting to be sent: it stays in the outbox until its notifier has taken it. */
export interface OutboxEntry {
  id: string;
  /** The targets whose transitions the message reports. */
  targets: string[];
  /** Those transitions, stamped as notified once the message is sent. */
  transitionIds: string[];
  /** The route it goes to (`default`: SLACK_WEBHOOK_URL). */
  route: string;
  notification: Notification;
  createdAt: Date;
  attempts: number;
  lastError: string | null;
}

/**
 * Where target states, transitions and the outbox live. The two implementations (Firestore, memory)
 * give the same guarantees, so the poll does not know which it has.
 */
export interface StateStore {
  /**
   * The stored states of these targets, without writing anything (dry runs). A name that ends in
   * "/" selects every stored target under it (`orders/`: the resources a discovery target found).
   */
  read(names: readonly string[]): Promise<Map<string, TargetStatus>>;

  /**
   * The history entries of these targets (selected as {@link read} selects), without writing:
   * what a status page shows. Each is changed in the same write as its target's transitions.
   */
  histories(names: readonly string[]): Promise<Map<string, TargetHistory>>;

  /**
   * Atomically: reads the stored states of `names` (as {@link read} selects them), calls `plan` with them and writes what it
   * returns (new states, transitions, outbox entries, and
   * the history entries of the targets with transitions). `plan` may run more than once when another
   * poll wrote in between, and must therefore be pure; the result of the run that committed is
   * returned. This compare-and-set is what makes a transition recorded, and so sent, once.
   */
  record(
    names: readonly string[],
    plan: (previous: ReadonlyMap<string, TargetStatus>) => Changes,
  ): Promise<Changes>;

  /** Every message not delivered yet, oldest first. */
  undelivered(): Promise<OutboxEntry[]>;

  /**
   * Takes a message for sending until `leaseUntil`, so that overlapping polls do not both send it.
   * Null when it is gone (sent) or another poll holds an unexpired lease on it. Says, as of the
   * claim itself (not of an earlier listing), whether a send of it was started before.
   */
  claim(id: string, now: Date, leaseUntil: Date): Promise<Claim | null>;

  /** The notifier took the message: drop it from the outbox and stamp its transitions as notified. */
  markSent(entry: OutboxEntry, now: Date): Promise<void>;

  /** Sending failed: give up the lease, keep the message, remember why. */
  release(id: string, error: string): Promise<void>;

  /**
   * Stores one ping of a push target. Concurrent pings to one target must all succeed and must
   * not wait on one another (a burst from a job's retries must not lose its failure), and the
   * stored record must stay bounded however many come: the ping takes one of a fixed number of
   * slots, never in a transaction (`PING_SLOTS` in store/shared.ts), and its `last*` time is
   * always written.
   */
  recordPing(name: string, ping: Ping): Promise<void>;

  /**
   * The pings of these push targets, the newest few of each (`RECENT_PINGS`). With `trim`, also
   * tidies what an earlier version stored (a write, so never on a dry run).
   */
  pushRecords(names: readonly string[], options?: { trim: boolean }): Promise<Map<string, PushRecord>>;

  /** What the store has read and written since it was made (polls report the difference). */
  readonly operations: OperationCount;

  /** The week (its Monday, `YYYY-MM-DD`) each route's weekly report was last queued for. */
  reportsQueued(): Promise<Map<string, string>>;

  /**
   * Puts a route's weekly report in the outbox for delivery, once per route and `week`: atomically
   * with recording the week as done (`report` null: done with nothing to tell). False when that
   * week was done already (by an overlapping poll), and nothing is written.
   */
  queueReport(route: string, week: string, report: WeeklyReport | null, createdAt: Date): Promise<boolean>;

  /** Silences target `name` until `until`, or lifts its silence (null). */
  silence(name: string, until: Date | null): Promise<void>;

  /** The silences still in force at `now`: target name → until. */
  silences(now: Date): Promise<Map<string, Date>>;
}
