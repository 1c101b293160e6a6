import { describe, expect, it } from 'vitest';
import { deliverOutbox } from '../../functions/app/deliver.ts';
import type { Notice, Notification } from '../../functions/model/notification.ts';
import type { Notifier } from '../../functions/notify/notifier.ts';
import { MemoryStateStore } from '../../functions/store/memory.ts';
import type { Changes, Claim } from '../../functions/store/state-store.ts';
import type { Transition } from '../../functions/model/transition.ts';

const at = (second: number) => new Date(Date.UTC(2026, 10, 21, 9, 0, second));

function transition(target: string, to: string, second: number): Transition {
  return {
    target,
    kind: 'datastream',
    cause: 'change',
    from: null,
    fromHealthy: null,
    to,
    toHealthy: to === 'RUNNING',
    at: at(second),
    detail: '',
    unhealthySince: null,
    message: 'send',
  };
}

/** One message (one route, one poll) about these targets. */
async function queue(store: MemoryStateStore, second: number, ...changes: [string, string][]): Promise<void> {
  const transitions = changes.map(([target, to]) => transition(target, to, second));
  const notices = transitions.map((t): Notice => ({
    ...t,
    mention: [],
    allowedStates: ['RUNNING'],
    consoleUrl: null,
    dependents: [],
  }));
  const plan: Changes = {
    statuses: new Map(),
    transitions,
    messages: [{ route: 'default', transitions: transitions.map((_, i) => i), notices }],
  };
  await store.record([], () => plan);
}

function collector(): { notifier: Notifier; sent: string[] } {
  const sent: string[] = [];
  const notifier: Notifier = {
    destination: 'test',
    send: (notification: Notification) => {
      if ('notices' in notification)
        sent.push(notification.notices.map((n) => `${n.target}:${n.to}`).join(','));
      return Promise.resolve();
    },
  };
  return { notifier, sent };
}

const context = (store: MemoryStateStore, notifier: Notifier) => ({
  store,
  notifierFor: () => notifier,
  clock: () => at(30),
  log: () => undefined,
});

describe('delivering the outbox', () => {
  it('never lets a message overtake an older one about the same target, even when delivering only some', async () => {
    const store = new MemoryStateStore();
    await queue(store, 1, ['x', 'FAILED']);
    await queue(store, 2, ['x', 'RUNNING'], ['p', 'FAILED']);
    const { notifier, sent } = collector();
    const result = await deliverOutbox(context(store, notifier), {
      budgetMs: 5000,
      only: (entry) => entry.targets.includes('p'),
    });
    expect(sent).toEqual([]);
    expect(result).toMatchObject({ sent: 0, undelivered: 1 });
    await deliverOutbox(context(store, notifier), { budgetMs: 5000 });
    expect(sent).toEqual(['x:FAILED', 'x:RUNNING,p:FAILED']);
  });

  it('counts a message another sender holds as pending, and stops waiting for it on shutdown', async () => {
    let stopping = false;
    /** SIGTERM comes just as this delivery finds the message taken. */
    class SigtermMeanwhile extends MemoryStateStore {
      override async claim(id: string, now: Date, leaseUntil: Date): Promise<Claim | null> {
        const claimed = await super.claim(id, now, leaseUntil);
        stopping = true;
        return claimed;
      }
    }
    const store = new SigtermMeanwhile();
    await queue(store, 1, ['x', 'FAILED']);
    const [entry] = await store.undelivered();
    await store.claim(entry?.id ?? '', at(30), at(90));
    stopping = false;
    const { notifier, sent } = collector();
    const result = await deliverOutbox(context(store, notifier), {
      budgetMs: 30_000,
      stopping: () => stopping,
    });
    expect(sent).toEqual([]);
    expect(result).toEqual({
      sent: 0,
      undelivered: 1,
      failures: ['notification for x is being sent by another poll'],
    });
  });
});
