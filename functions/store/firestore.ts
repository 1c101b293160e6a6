import {
  FieldPath,
  FieldValue,
  Timestamp,
  type DocumentReference,
  type DocumentSnapshot,
  type Firestore,
  type Transaction,
} from '@google-cloud/firestore';
import { DEFAULT_ROUTE } from '../config/default-route.ts';
import type { Kind } from '../config/schema.ts';
import type { TargetHistory } from '../model/history.ts';
import type { Notice, Notification } from '../model/notification.ts';
import type { Ping, PushRecord } from '../model/ping.ts';
import type { WeeklyReport } from '../model/report.ts';
import type { Streak, TargetStatus } from '../model/target-status.ts';
import type { Transition } from '../model/transition.ts';
import { changedHistories } from './history.ts';
import { lastField, summarizePings } from './push-records.ts';
import {
  forgottenTargets,
  selectedNames,
  freeSlot,
  newOutboxEntries,
  PING_SLOTS,
  slotsForLegacy,
  writesAnything,
  type NewOutboxEntry,
  expiresAfter,
} from './shared.ts';
import { FirestoreBoard } from './firestore-board.ts';
import type { Changes, Claim, OperationCount, OutboxEntry, StateStore } from './state-store.ts';

/**
 * Transitions written with their states in one transaction, at most. Past it (a first poll of
 * thousands of targets), the transitions are written right after the commit, in batches, under
 * the ids the outbox entries already name: one commit of ten thousand documents takes the client
 * over 250 MB. So are the history entries, in a transaction of their own: with them, the commit
 * of a first poll of ten thousand targets took the emulator past the store's 20 s deadline. What
 * must be atomic is: the new states and the messages (the outbox entries carry every notice), so
 * no alert is lost or doubled; a crash between the commit and the rest loses only history.
 */
const HISTORY_IN_TRANSACTION = 500;

/**
 * The board keeps a short detail (what a held-back alert repeats when its hold ends); the
 * transition keeps the whole one. Short, so that ten thousand changed entries and their messages
 * stay within one commit's 10 MiB.
 */
const BOARD_DETAIL_CHARS = 300;

/**
 * Stands for "no state confirmed yet" in boards written before 0.2; null since. Read, never written.
 */
const LEGACY_UNCONFIRMED = '(unconfirmed)';

/**
 * A board entry as written: one JSON string per target, times in epoch milliseconds. One value
 * rather than a map of ten: a commit of ten thousand entries as maps took the client ~56 MB more
 * (a first poll's peak), and a steady poll decodes one value per target instead of ten.
 */
interface BoardEntry {
  kind: Kind;
  state: string | null;
  healthy: boolean;
  since: number;
  detail: string;
  unhealthySince: number | null;
  streak: (Omit<Streak, 'since'> & { since: number }) | null;
  remindedAt?: number;
  heldBack?: true;
}

/** A board entry as 0.2 wrote it: a map with timestamps. Read, never written. */
interface MapEntry {
  kind: Kind;
  state: string | null;
  healthy: boolean;
  since: Timestamp;
  detail: string;
  unhealthySince: Timestamp | null;
  /** Absent in boards written before thresholds existed. */
  streak?: (Omit<Streak, 'since'> & { since: Timestamp }) | null;
  remindedAt?: Timestamp;
  heldBack?: true;
}

type StoredNotice = Omit<Notice, 'at' | 'unhealthySince'> & {
  at: Timestamp;
  unhealthySince: Timestamp | null;
};

interface StoredOutbox {
  targets: string[];
  transitionIds: string[];
  /** Absent in entries written before routes existed: the default route. */
  route?: string;
  /** What happened, rendered by the notifier when it sends (since 0.2). */
  notices?: StoredNotice[];
  /** A weekly report (model/report.ts), as JSON; such an entry has no targets or notices. */
  report?: string;
  /** Before 0.2, the Slack message itself: its fallback text… */
  text?: string;
  /** …and its Block Kit as JSON (Firestore cannot hold arrays in arrays). */
  blocks?: string;
  createdAt: Timestamp;
  attempts: number;
  lastError: string | null;
  claimedUntil: Timestamp | null;
}

/**
 * Firestore layout (collection names get `prefix` in front, so pollers can share a database):
 *
 * - `status/targets`, `status/targets-1`, …: the board, every target's current state (a JSON
 *   string, {@link BoardEntry}) in maps keyed by target name, one document per ~500 targets (store/firestore-board.ts). A steady poll reads
 *   these and writes nothing; a change writes the entries it touches.
 * - `transitions/{id}`: every change ever recorded (from, to, at, detail, notifiedAt).
 * - `outbox/{id}`: a message not yet delivered (one per route per poll, listing its
 *   `transitionIds` and the `notices` to render), deleted once sent.
 * - `status/silences`: ad-hoc silences, `targets: { name: until }`.
 * - `pings/{target}`: a push target's `lastSuccess`, `lastStart`, `lastFailure` and `slots`, a map
 *   of at most `PING_SLOTS` pings (why slots and which one a ping takes: store/shared.ts). A ping
 *   reads the document to pick its slot and writes that one field path and its `last*` field,
 *   never in a transaction, so a burst of pings to one target contends on nothing, and the
 *   document stays far below 1 MiB however many come. Documents of 0.1 hold a `recent` list
 *   instead: read too, and moved into slots by the next poll that tidies.
 */
export class FirestoreStateStore implements StateStore {
  private readonly db: Firestore;
  private readonly prefix: string;
  private readonly board: FirestoreBoard<string | MapEntry>;
  /** Each target's history entry (model/history.ts), a JSON string, sharded as the board is. */
  private readonly history: FirestoreBoard<string>;
  /** Documents read and written since the store was made (what Firestore bills). */
  readonly operations: OperationCount;

  constructor(db: Firestore, prefix = '', operations: OperationCount = { reads: 0, writes: 0 }) {
    this.db = db;
    this.prefix = prefix;
    this.operations = operations;
    const count = (reads: number) => {
      this.operations.reads += reads;
    };
    this.board = new FirestoreBoard<string | MapEntry>(this.db.collection(`${prefix}status`), count);
    this.history = new FirestoreBoard<string>(this.db.collection(`${prefix}history`), count);
  }
  private get transitions() {
    return this.db.collection(`${this.prefix}transitions`);
  }
  private get outbox() {
    return this.db.collection(`${this.prefix}outbox`);
  }
  private get reportsDoc() {
    return this.db.collection(`${this.prefix}status`).doc('reports');
  }
  private get silencesDoc() {
    return this.db.collection(`${this.prefix}status`).doc('silences');
  }
  private pingDoc(name: string) {
    return this.db.collection(`${this.prefix}pings`).doc(name);
  }

  async read(names: readonly string[]): Promise<Map<string, TargetStatus>> {
    // Shard 0 says how many shards there are, then those are read: one read-only transaction, so
    // that a poll resharding the board in between cannot make a dry run misreport (it locks nothing).
    return this.db.runTransaction(
      async (tx) => {
        const board = await this.board.read((refs) => tx.getAll(...refs), names);
        return pick(board.entries, names);
      },
      { readOnly: true },
    );
  }

  async histories(names: readonly string[]): Promise<Map<string, TargetHistory>> {
    return this.db.runTransaction(
      async (tx) => {
        const read = await this.history.read((refs) => tx.getAll(...refs), names);
        const found = new Map<string, TargetHistory>();
        for (const name of selectedNames(read.entries.keys(), names)) {
          const entry = read.entries.get(name);
          if (entry !== undefined) found.set(name, JSON.parse(entry) as TargetHistory);
        }
        return found;
      },
      { readOnly: true },
    );
  }

  async record(
    names: readonly string[],
    plan: (previous: ReadonlyMap<string, TargetStatus>) => Changes,
  ): Promise<Changes> {
    // History written after the commit, when there is much of it (see HISTORY_IN_TRANSACTION).
    let history: [DocumentReference, Transition][] = [];
    let entriesLater: LaterHistories | undefined;
    // Of the attempt that commits: a retried transaction re-counts its reads, not its writes.
    let writes = 0;
    // The transaction reads the board, so a concurrent poll that changed it makes this one retry
    // and re-plan against what that poll wrote: the same change is never recorded twice.
    const changes = await this.db.runTransaction(async (tx) => {
      history = [];
      entriesLater = undefined;
      writes = 0;
      const get = (refs: DocumentReference[]) => tx.getAll(...refs);
      const board = await this.board.read(get, names);
      const planned = plan(pick(board.entries, names));
      // Forgetting what a full poll no longer lists needs every stored name.
      if (planned.allTargets) await this.board.readMore(get, board);
      const forgotten = forgottenTargets(board.entries.keys(), planned);
      if (!writesAnything(planned, forgotten)) return planned;
      const inline = planned.transitions.length <= HISTORY_IN_TRANSACTION;
      const stored = (name: string) => {
        const entry = board.entries.get(name);
        return entry === undefined ? undefined : fromEntry(entry);
      };
      // Every read before the first write, as a transaction wants.
      const targets = board.entries.size;
      const histories = inline ? await this.changeHistories(get, planned, forgotten, targets, stored) : null;
      if (!inline) entriesLater = { planned, forgotten, targets, stored };

      const set = new Map<string, string>();
      for (const [name, status] of planned.statuses) set.set(name, toEntry(status));
      writes = this.board.write(tx, board, set, forgotten);
      if (histories) writes += histories(tx);
      const ids = planned.transitions.map((transition) => {
        const ref = this.transitions.doc();
        if (inline) {
          tx.create(ref, { ...transition, notifiedAt: null, expireAt: expiresAfter(transition.at) });
          writes += 1;
        } else {
          history.push([ref, transition]);
        }
        return ref.id;
      });
      for (const entry of newOutboxEntries(planned, ids)) {
        tx.create(this.outbox.doc(), toStoredOutbox(entry));
        writes += 1;
      }
      return planned;
    });
    this.operations.writes += writes;
    for (let from = 0; from < history.length; from += HISTORY_IN_TRANSACTION) {
      const batch = this.db.batch();
      for (const [ref, transition] of history.slice(from, from + HISTORY_IN_TRANSACTION)) {
        // A merge without `notifiedAt`: a poll that delivered its message meanwhile has set it.
        batch.set(ref, { ...transition, expireAt: expiresAfter(transition.at) }, { merge: true });
      }
      await batch.commit();
    }
    this.operations.writes += history.length;
    if (entriesLater) await this.writeHistoriesLater(entriesLater);
    return changes;
  }

  /** The history entries of a large plan, in a transaction of their own after its commit. */
  private async writeHistoriesLater({ planned, forgotten, targets, stored }: LaterHistories): Promise<void> {
    try {
      let written = 0;
      await this.db.runTransaction(async (tx) => {
        const get = (refs: DocumentReference[]) => tx.getAll(...refs);
        const histories = await this.changeHistories(get, planned, forgotten, targets, stored);
        written = histories ? histories(tx) : 0;
      });
      this.operations.writes += written;
    } catch (error) {
      // The states and messages are committed: the alerts go out whatever becomes of this. Said
      // as the logger says things (a JSON line Cloud Logging reads), the store having no logger.
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(
        `${JSON.stringify({ severity: 'ERROR', message: `history entries of ${planned.transitions.length} transitions not written: ${reason}` })}\n`,
      );
    }
  }

  /**
   * Reads the history entries a plan changes or forgets, the shards holding them, and returns
   * their write; null when the plan touches no history (no transition, nothing forgotten): no
   * read, no write. The history's shards follow its size as the board's do, which takes reading
   * all of them; a full poll does that only when they may need it: their count is far from what
   * `targets` entries want, or a shard read is over its size.
   */
  private async changeHistories(
    get: (refs: DocumentReference[]) => Promise<DocumentSnapshot[]>,
    planned: Changes,
    forgotten: readonly string[],
    targets: number,
    stored: (name: string) => TargetStatus | undefined,
  ): Promise<((tx: Transaction) => number) | null> {
    const touched = [...new Set(planned.transitions.map((t) => t.target))];
    if (touched.length === 0 && forgotten.length === 0) return null;
    const read = await this.history.read(get, [...touched, ...forgotten]);
    if (planned.allTargets && this.history.mayReshard(read, targets)) {
      await this.history.readMore(get, read);
    }
    const previous = (name: string) => {
      const entry = read.entries.get(name);
      return entry === undefined ? undefined : (JSON.parse(entry) as TargetHistory);
    };
    const changed = changedHistories(planned, previous, stored);
    const set = new Map([...changed].map(([name, entry]) => [name, JSON.stringify(entry)]));
    const gone = forgotten.filter((name) => read.entries.has(name));
    return (tx) => this.history.write(tx, read, set, gone);
  }

  async undelivered(): Promise<OutboxEntry[]> {
    const snapshot = await this.outbox.orderBy('createdAt').get();
    // A query is billed one read at least, then one per document.
    this.operations.reads += Math.max(1, snapshot.size);
    return snapshot.docs.map((doc) => {
      const data = doc.data() as StoredOutbox;
      return {
        id: doc.id,
        targets: data.targets,
        transitionIds: data.transitionIds,
        route: data.route ?? DEFAULT_ROUTE,
        notification: fromStoredNotification(data),
        createdAt: data.createdAt.toDate(),
        attempts: data.attempts,
        lastError: data.lastError,
      };
    });
  }

  claim(id: string, now: Date, leaseUntil: Date): Promise<Claim | null> {
    const ref = this.outbox.doc(id);
    return this.db.runTransaction(async (tx) => {
      const snapshot = await tx.get(ref);
      this.operations.reads += 1;
      if (!snapshot.exists) return null;
      const claimedUntil = snapshot.get('claimedUntil') as Timestamp | null;
      if (claimedUntil && claimedUntil.toMillis() > now.getTime()) return null;
      tx.update(ref, { claimedUntil: Timestamp.fromDate(leaseUntil) });
      this.operations.writes += 1;
      return { mayHaveBeenSent: claimedUntil !== null || (snapshot.get('attempts') as number) > 0 };
    });
  }

  async markSent(entry: OutboxEntry, now: Date): Promise<void> {
    const batch = this.db.batch();
    batch.delete(this.outbox.doc(entry.id));
    for (const id of entry.transitionIds) {
      // A merge, not an update: a transition of a large poll may be written after its message.
      batch.set(this.transitions.doc(id), { notifiedAt: Timestamp.fromDate(now) }, { merge: true });
    }
    await batch.commit();
    this.operations.writes += 1 + entry.transitionIds.length;
  }

  async release(id: string, error: string): Promise<void> {
    await this.outbox
      .doc(id)
      .update({ claimedUntil: null, attempts: FieldValue.increment(1), lastError: error });
    this.operations.writes += 1;
  }

  async recordPing(name: string, ping: Ping): Promise<void> {
    const ref = this.pingDoc(name);
    // A plain read, not a transaction: it only picks the slot. Two concurrent pings that pick the
    // same one keep the one written last; neither waits or retries (store/shared.ts#PING_SLOTS).
    const slot = String(freeSlot(slotList((await ref.get()).get('slots')), (p) => p.at.toMillis()));
    const at = Timestamp.fromDate(ping.at);
    const stored: StoredPing = { ...ping, at };
    const last = lastField(ping.kind);
    // mergeFields: the slot is replaced whole, and nothing else in the document is touched.
    await ref.set(
      { [last]: at, slots: { [slot]: stored } },
      { mergeFields: [last, new FieldPath('slots', slot)] },
    );
  }

  async pushRecords(names: readonly string[], options = { trim: false }): Promise<Map<string, PushRecord>> {
    const found = new Map<string, PushRecord>();
    if (names.length === 0) return found;
    const snapshots = await this.db.getAll(...names.map((name) => this.pingDoc(name)));
    this.operations.reads += names.length;
    await Promise.all(
      snapshots.map(async (snapshot, index) => {
        const name = names[index];
        if (!snapshot.exists || name === undefined) return;
        const data = snapshot.data() as StoredPushRecord;
        found.set(name, fromStoredPush(data));
        if (options.trim && data.recent !== undefined) await this.retireLegacyPings(snapshot.ref);
      }),
    );
    return found;
  }

  async reportsQueued(): Promise<Map<string, string>> {
    const weeks = ((await this.reportsDoc.get()).get('weeks') ?? {}) as Record<string, string>;
    this.operations.reads += 1;
    return new Map(Object.entries(weeks));
  }

  queueReport(route: string, week: string, report: WeeklyReport | null, createdAt: Date): Promise<boolean> {
    return this.db.runTransaction(async (tx) => {
      const snapshot = await tx.get(this.reportsDoc);
      this.operations.reads += 1;
      const queued = snapshot.get(new FieldPath('weeks', route)) as string | undefined;
      if (queued !== undefined && queued >= week) return false;
      tx.set(this.reportsDoc, { weeks: { [route]: week } }, { merge: true });
      this.operations.writes += 1;
      if (report === null) return true;
      const entry: StoredOutbox = {
        targets: [],
        transitionIds: [],
        route,
        report: JSON.stringify(report),
        createdAt: Timestamp.fromDate(createdAt),
        attempts: 0,
        lastError: null,
        claimedUntil: null,
      };
      tx.create(this.outbox.doc(), entry);
      this.operations.writes += 1;
      return true;
    });
  }

  async silence(name: string, until: Date | null): Promise<void> {
    await this.silencesDoc.set(
      { targets: { [name]: until ? Timestamp.fromDate(until) : FieldValue.delete() } },
      { merge: true },
    );
  }

  async silences(now: Date): Promise<Map<string, Date>> {
    const stored = ((await this.silencesDoc.get()).get('targets') ?? {}) as Record<string, Timestamp>;
    this.operations.reads += 1;
    return new Map(
      Object.entries(stored)
        .map(([name, until]): [string, Date] => [name, until.toDate()])
        .filter(([, until]) => until > now),
    );
  }

  /**
   * Moves the newest pings of a 0.1 `recent` list into slots and drops the list, whose size has
   * no bound. A transaction, so a ping landing meanwhile in a slot is not overwritten.
   */
  private async retireLegacyPings(ref: DocumentReference): Promise<void> {
    await this.db.runTransaction(async (tx) => {
      const snapshot = await tx.get(ref);
      const legacy = snapshot.get('recent') as StoredPing[] | undefined;
      if (legacy === undefined) return;
      const moves = slotsForLegacy(slotList(snapshot.get('slots')), legacy, (p) => p.at.toMillis());
      tx.update(ref, {
        recent: FieldValue.delete(),
        ...Object.fromEntries([...moves].map(([slot, ping]) => [`slots.${slot}`, ping])),
      });
    });
  }
}

/** What the history entries of a large plan are made from, after its commit. */
interface LaterHistories {
  planned: Changes;
  forgotten: readonly string[];
  /** How many targets the board holds. */
  targets: number;
  stored: (name: string) => TargetStatus | undefined;
}

interface StoredPing {
  kind: Ping['kind'];
  at: Timestamp;
  message: string;
  exitCode: number | null;
  value: number | null;
  /** In 0.1 `recent` lists only: kept every element distinct for the array union. */
  id?: string;
}

interface StoredPushRecord {
  lastSuccess?: Timestamp;
  lastStart?: Timestamp;
  lastFailure?: Timestamp;
  /** Slot number → ping. */
  slots?: Record<string, StoredPing>;
  /** 0.1: every ping appended, trimmed by polls. */
  recent?: StoredPing[];
}

/** The slots as a list, `undefined` where empty. */
function slotList(slots: unknown): (StoredPing | undefined)[] {
  const stored = (slots ?? {}) as Record<string, StoredPing | undefined>;
  return Array.from({ length: PING_SLOTS }, (_, slot) => stored[String(slot)]);
}

function fromStoredPush(data: StoredPushRecord): PushRecord {
  // The 0.1 list first: it is older than any slot.
  const stored = [...(data.recent ?? []), ...Object.values(data.slots ?? {})];
  return summarizePings(
    {
      lastSuccess: data.lastSuccess?.toDate() ?? null,
      lastStart: data.lastStart?.toDate() ?? null,
      lastFailure: data.lastFailure?.toDate() ?? null,
    },
    stored.map(({ kind, at, message, exitCode, value }) => ({
      kind,
      at: at.toDate(),
      message,
      exitCode,
      value,
    })),
  );
}

function toStoredOutbox(entry: NewOutboxEntry): StoredOutbox {
  const { notification, createdAt, ...rest } = entry;
  return {
    ...rest,
    notices: notification.notices.map(toStoredNotice),
    createdAt: Timestamp.fromDate(createdAt),
    claimedUntil: null,
  };
}

function toStoredNotice(notice: Notice): StoredNotice {
  return {
    ...notice,
    at: Timestamp.fromDate(notice.at),
    unhealthySince: notice.unhealthySince ? Timestamp.fromDate(notice.unhealthySince) : null,
  };
}

/** Reads every shape of the outbox: notices (0.2 on), a weekly report, and a Slack message rendered before 0.2. */
function fromStoredNotification(data: StoredOutbox): Notification {
  if (data.report !== undefined) return { report: JSON.parse(data.report) as WeeklyReport };
  if (data.notices) {
    return {
      notices: data.notices.map((n) => ({
        ...n,
        at: n.at.toDate(),
        unhealthySince: n.unhealthySince?.toDate() ?? null,
      })),
    };
  }
  return {
    prerendered: {
      text: data.text ?? '',
      blocks: JSON.parse(data.blocks ?? '[]') as Record<string, unknown>[],
    },
  };
}

function toEntry({ since, unhealthySince, streak, remindedAt, detail, ...status }: TargetStatus): string {
  const entry: BoardEntry = {
    ...status,
    since: since.getTime(),
    detail: detail.slice(0, BOARD_DETAIL_CHARS),
    unhealthySince: unhealthySince?.getTime() ?? null,
    streak: streak
      ? { ...streak, detail: streak.detail.slice(0, BOARD_DETAIL_CHARS), since: streak.since.getTime() }
      : null,
    ...(remindedAt ? { remindedAt: remindedAt.getTime() } : {}),
  };
  return JSON.stringify(entry);
}

function fromEntry(stored: string | MapEntry): TargetStatus {
  if (typeof stored === 'string') {
    const { since, unhealthySince, streak, remindedAt, ...entry } = JSON.parse(stored) as BoardEntry;
    return {
      ...entry,
      since: new Date(since),
      unhealthySince: unhealthySince === null ? null : new Date(unhealthySince),
      streak: streak ? { ...streak, since: new Date(streak.since) } : null,
      ...(remindedAt ? { remindedAt: new Date(remindedAt) } : {}),
    };
  }
  const { remindedAt, ...s } = stored;
  return {
    ...s,
    state: s.state === LEGACY_UNCONFIRMED ? null : s.state,
    since: s.since.toDate(),
    unhealthySince: s.unhealthySince?.toDate() ?? null,
    streak: s.streak ? { ...s.streak, since: s.streak.since.toDate() } : null,
    ...(remindedAt ? { remindedAt: remindedAt.toDate() } : {}),
  };
}

function pick(
  stored: ReadonlyMap<string, string | MapEntry>,
  names: readonly string[],
): Map<string, TargetStatus> {
  const found = new Map<string, TargetStatus>();
  for (const name of selectedNames(stored.keys(), names)) {
    const entry = stored.get(name);
    if (entry) found.set(name, fromEntry(entry));
  }
  return found;
}
