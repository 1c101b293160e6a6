import { randomUUID } from 'node:crypto';
import type { TargetStatus, Transition } from '../model.ts';
import type { Changes, OutboxEntry, StateStore } from './state-store.ts';

interface StoredEntry extends OutboxEntry {
  claimedUntil: Date | null;
}

/**
 * Keeps everything in this process: for local runs without a Google project, and for unit tests.
 * State is lost on restart, so on Cloud Run this would repeat alerts after every cold start.
 */
export class MemoryStateStore implements StateStore {
  readonly statuses = new Map<string, TargetStatus>();
  readonly transitions: (Transition & { id: string; notifiedAt: Date | null })[] = [];
  private readonly outbox = new Map<string, StoredEntry>();

  read(names: readonly string[]): Promise<Map<string, TargetStatus>> {
    return Promise.resolve(this.pick(names));
  }

  // Everything between reading and writing is synchronous, so no other poll can interleave.
  record(
    names: readonly string[],
    plan: (previous: ReadonlyMap<string, TargetStatus>) => Changes,
  ): Promise<Changes> {
    const changes = plan(this.pick(names));
    const keep = changes.allTargets;
    if (keep) for (const name of this.statuses.keys()) if (!keep.includes(name)) this.statuses.delete(name);
    for (const [name, status] of changes.statuses) this.statuses.set(name, status);
    for (const { transition, message } of changes.transitions) {
      const id = randomUUID();
      this.transitions.push({ ...transition, id, notifiedAt: null });
      if (message) {
        this.outbox.set(id, {
          id,
          target: transition.target,
          message,
          createdAt: transition.at,
          attempts: 0,
          lastError: null,
          claimedUntil: null,
        });
      }
    }
    return Promise.resolve(changes);
  }

  pending(): Promise<OutboxEntry[]> {
    const entries = [...this.outbox.values()].map(
      ({ id, target, message, createdAt, attempts, lastError }): OutboxEntry => ({
        id,
        target,
        message,
        createdAt,
        attempts,
        lastError,
      }),
    );
    return Promise.resolve(entries.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime()));
  }

  claim(id: string, now: Date, leaseUntil: Date): Promise<boolean> {
    const entry = this.outbox.get(id);
    if (!entry || (entry.claimedUntil && entry.claimedUntil > now)) return Promise.resolve(false);
    entry.claimedUntil = leaseUntil;
    return Promise.resolve(true);
  }

  markSent(id: string, now: Date): Promise<void> {
    this.outbox.delete(id);
    const transition = this.transitions.find((t) => t.id === id);
    if (transition) transition.notifiedAt = now;
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

  private pick(names: readonly string[]): Map<string, TargetStatus> {
    const found = new Map<string, TargetStatus>();
    for (const name of names) {
      const status = this.statuses.get(name);
      if (status) found.set(name, status);
    }
    return found;
  }
}
