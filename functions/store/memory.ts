import { randomUUID } from 'node:crypto';
import type { TargetHistory } from '../model/history.ts';
import type { Ping, PushRecord } from '../model/ping.ts';
import type { WeeklyReport } from '../model/report.ts';
import type { TargetStatus } from '../model/target-status.ts';
import type { Transition } from '../model/transition.ts';
import { changedHistories } from './history.ts';
import { lastField, summarizePings } from './push-records.ts';
import {
  forgottenTargets,
  freeSlot,
  newOutboxEntries,
  PING_SLOTS,
  selectedNames,
  writesAnything,
} from './shared.ts';
import type { Changes, Claim, OperationCount, OutboxEntry, StateStore } from './state-store.ts';

interface MemoryPushRecord {
  lastSuccess: Date | null;
  lastStart: Date | null;
  lastFailure: Date | null;
  slots: (Ping | undefined)[];
}

/**
 * Keeps everything in this process: for local runs without a Google project, and for unit tests.
 * State is lost on restart, so on Cloud Run this would repeat alerts after every cold start.
 */
export class MemoryStateStore implements StateStore {
  /** Nothing is billed in memory. */
  readonly operations: OperationCount = { reads: 0, writes: 0 };
  readonly statuses = new Map<string, TargetStatus>();
  readonly history = new Map<string, TargetHistory>();
  readonly transitions: (Transition & { id: string; notifiedAt: Date | null })[] = [];
  private readonly outbox = new Map<string, OutboxEntry & { claimedUntil: Date | null }>();
  private readonly pings = new Map<string, MemoryPushRecord>();
  private readonly silenced = new Map<string, Date>();
  private readonly reportWeeks = new Map<string, string>();

  read(names: readonly string[]): Promise<Map<string, TargetStatus>> {
    return Promise.resolve(this.pick(names));
  }

  histories(names: readonly string[]): Promise<Map<string, TargetHistory>> {
    const found = new Map<string, TargetHistory>();
    for (const name of selectedNames(this.history.keys(), names)) {
      const entry = this.history.get(name);
      if (entry) found.set(name, entry);
    }
    return Promise.resolve(found);
  }

  // Everything between reading and writing is synchronous, so no other poll can interleave.
  record(
    names: readonly string[],
    plan: (previous: ReadonlyMap<string, TargetStatus>) => Changes,
  ): Promise<Changes> {
    const changes = plan(this.pick(names));
    const forgotten = forgottenTargets(this.statuses.keys(), changes);
    if (!writesAnything(changes, forgotten)) return Promise.resolve(changes);
    const histories = changedHistories(
      changes,
      (name) => this.history.get(name),
      (name) => this.statuses.get(name),
    );
    for (const name of forgotten) {
      this.statuses.delete(name);
      this.history.delete(name);
    }
    for (const [name, entry] of histories) this.history.set(name, entry);
    for (const [name, status] of changes.statuses) this.statuses.set(name, status);
    const ids = changes.transitions.map((transition) => {
      const id = randomUUID();
      this.transitions.push({ ...transition, id, notifiedAt: null });
      return id;
    });
    for (const entry of newOutboxEntries(changes, ids)) {
      const id = randomUUID();
      this.outbox.set(id, { ...entry, id, claimedUntil: null });
    }
    return Promise.resolve(changes);
  }

  undelivered(): Promise<OutboxEntry[]> {
    const entries = [...this.outbox.values()].map((entry): OutboxEntry => ({
      id: entry.id,
      targets: entry.targets,
      transitionIds: entry.transitionIds,
      route: entry.route,
      notification: entry.notification,
      createdAt: entry.createdAt,
      attempts: entry.attempts,
      lastError: entry.lastError,
    }));
    return Promise.resolve(entries.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()));
  }

  claim(id: string, now: Date, leaseUntil: Date): Promise<Claim | null> {
    const entry = this.outbox.get(id);
    if (!entry || (entry.claimedUntil && entry.claimedUntil > now)) return Promise.resolve(null);
    const mayHaveBeenSent = entry.claimedUntil !== null || entry.attempts > 0;
    entry.claimedUntil = leaseUntil;
    return Promise.resolve({ mayHaveBeenSent });
  }

  markSent(entry: OutboxEntry, now: Date): Promise<void> {
    this.outbox.delete(entry.id);
    for (const transition of this.transitions) {
      if (entry.transitionIds.includes(transition.id)) transition.notifiedAt = now;
    }
    return Promise.resolve();
  }

  release(id: string, error: string): Promise<void> {
    const entry = this.outbox.get(id);
    if (entry) {
      entry.claimedUntil = null;
      entry.attempts++;
      entry.lastError = error;
    }
    return Promise.resolve();
  }

  // The same slots as the Firestore store (store/shared.ts), so both keep the same pings.
  recordPing(name: string, ping: Ping): Promise<void> {
    const record = this.pings.get(name) ?? {
      lastSuccess: null,
      lastStart: null,
      lastFailure: null,
      slots: Array.from({ length: PING_SLOTS }, () => undefined),
    };
    record[lastField(ping.kind)] = ping.at;
    record.slots[freeSlot(record.slots, (p) => p.at.getTime())] = ping;
    this.pings.set(name, record);
    return Promise.resolve();
  }

  pushRecords(names: readonly string[]): Promise<Map<string, PushRecord>> {
    const found = new Map<string, PushRecord>();
    for (const name of names) {
      const record = this.pings.get(name);
      const pings = record?.slots.filter((p) => p !== undefined);
      if (record && pings) found.set(name, summarizePings(record, pings));
    }
    return Promise.resolve(found);
  }

  reportsQueued(): Promise<Map<string, string>> {
    return Promise.resolve(new Map(this.reportWeeks));
  }

  queueReport(route: string, week: string, report: WeeklyReport | null, createdAt: Date): Promise<boolean> {
    const queued = this.reportWeeks.get(route);
    if (queued !== undefined && queued >= week) return Promise.resolve(false);
    this.reportWeeks.set(route, week);
    if (report === null) return Promise.resolve(true);
    const id = randomUUID();
    this.outbox.set(id, {
      id,
      targets: [],
      transitionIds: [],
      route,
      notification: { report },
      createdAt,
      attempts: 0,
      lastError: null,
      claimedUntil: null,
    });
    return Promise.resolve(true);
  }

  silence(name: string, until: Date | null): Promise<void> {
    if (until) this.silenced.set(name, until);
    else this.silenced.delete(name);
    return Promise.resolve();
  }

  silences(now: Date): Promise<Map<string, Date>> {
    return Promise.resolve(new Map([...this.silenced].filter(([, until]) => until > now)));
  }

  private pick(names: readonly string[]): Map<string, TargetStatus> {
    const found = new Map<string, TargetStatus>();
    for (const name of selectedNames(this.statuses.keys(), names)) {
      const status = this.statuses.get(name);
      if (status) found.set(name, status);
    }
    return found;
  }
}
