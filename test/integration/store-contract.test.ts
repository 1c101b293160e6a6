import { Firestore } from '@google-cloud/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import type { Notice } from '../../functions/model/notification.ts';
import type { Ping } from '../../functions/model/ping.ts';
import type { TargetStatus } from '../../functions/model/target-status.ts';
import type { Transition } from '../../functions/model/transition.ts';
import { FirestoreStateStore } from '../../functions/store/firestore.ts';
import { MemoryStateStore } from '../../functions/store/memory.ts';
import type { StateStore } from '../../functions/store/state-store.ts';
import { freshProject } from '../support/poller.ts';

const clients: Firestore[] = [];
afterAll(() => Promise.all(clients.map((c) => c.terminate())));

const stores: [string, () => StateStore][] = [
  ['memory', () => new MemoryStateStore()],
  [
    'Firestore (emulator)',
    () => {
      const db = new Firestore({ projectId: freshProject() });
      clients.push(db);
      return new FirestoreStateStore(db, 'poller_');
    },
  ],
];

const at = new Date('2026-11-21T09:00:00Z');
const status: TargetStatus = {
  kind: 'datastream',
  state: 'FAILED',
  healthy: false,
  since: at,
  detail: 'd',
  unhealthySince: at,
  streak: { state: 'RUNNING', healthy: true, count: 1, since: at, detail: 'back?' },
};
const transition = (target: string): Transition => ({
  target,
  kind: 'datastream',
  from: 'RUNNING',
  fromHealthy: true,
  to: 'FAILED',
  toHealthy: false,
  at,
  detail: 'd',
  unhealthySince: at,
  cause: 'change',
  message: 'send',
});
const notice = (target: string): Notice => ({
  target,
  kind: 'datastream',
  cause: 'change',
  from: 'RUNNING',
  to: 'FAILED',
  toHealthy: false,
  at,
  detail: 'd',
  unhealthySince: at,
  mention: ['<!subteam^S1>'],
  allowedStates: ['RUNNING'],
  consoleUrl: null,
  dependents: [],
});

describe.each(stores)('the %s state store', (_, makeStore) => {
  it('stores states under any valid target name, dots included, and reads back only those asked for', async () => {
    const store = makeStore();
    await store.record(['orders.v2', 'other'], () => ({
      statuses: new Map([
        ['orders.v2', status],
        ['other', { ...status, state: 'RUNNING', healthy: true, unhealthySince: null }],
      ]),
      transitions: [],
      messages: [],
    }));
    const read = await store.read(['orders.v2', 'missing']);
    expect([...read.keys()]).toEqual(['orders.v2']);
    expect(read.get('orders.v2')).toEqual(status);
  });

  it('queues one message for several transitions, as notices, leases it to one sender, and forgets it once sent', async () => {
    const store = makeStore();
    await store.record(['a', 'b'], () => ({
      statuses: new Map([
        ['a', status],
        ['b', status],
      ]),
      transitions: [transition('a'), transition('b')],
      messages: [{ route: 'default', transitions: [0, 1], notices: [notice('a'), notice('b')] }],
    }));
    const [entry, ...others] = await store.undelivered();
    expect(others).toEqual([]);
    expect(entry).toMatchObject({
      targets: ['a', 'b'],
      route: 'default',
      notification: { notices: [notice('a'), notice('b')] },
      createdAt: at,
      attempts: 0,
      lastError: null,
    });
    expect(entry?.transitionIds).toHaveLength(2);
    const id = entry?.id ?? '';

    const lease = new Date(at.getTime() + 60_000);
    expect(await store.claim(id, at, lease)).toEqual({ mayHaveBeenSent: false });
    expect(await store.claim(id, at, lease)).toBeNull();

    await store.release(id, 'Slack answered HTTP 500');
    expect(await store.undelivered()).toEqual([
      expect.objectContaining({ id, attempts: 1, lastError: 'Slack answered HTTP 500' }),
    ]);
    // Tried before: a send of it may have reached its destination.
    expect(await store.claim(id, at, lease)).toEqual({ mayHaveBeenSent: true });
    // A lease that has run out (its poll died) can be taken over.
    expect(await store.claim(id, new Date(lease.getTime() + 1), new Date(lease.getTime() + 60_000))).toEqual({
      mayHaveBeenSent: true,
    });

    if (entry) await store.markSent(entry, at);
    expect(await store.undelivered()).toEqual([]);
    expect(await store.claim(id, at, lease)).toBeNull();
  });

  it('hands plan the states a concurrent poll left, so a change is recorded once', async () => {
    const store = makeStore();
    const plan = (previous: ReadonlyMap<string, TargetStatus>) =>
      previous.get('a')?.state === 'FAILED'
        ? { statuses: new Map<string, TargetStatus>(), transitions: [], messages: [] }
        : {
            statuses: new Map([['a', status]]),
            transitions: [transition('a')],
            messages: [{ route: 'default', transitions: [0], notices: [notice('a')] }],
          };
    await Promise.all([store.record(['a'], plan), store.record(['a'], plan), store.record(['a'], plan)]);
    expect(await store.undelivered()).toHaveLength(1);
  });

  it('forgets targets removed from the file on a full poll, and only then', async () => {
    const store = makeStore();
    const healthy = { ...status, state: 'RUNNING', healthy: true, unhealthySince: null };
    await store.record(['a', 'b'], () => ({
      statuses: new Map([
        ['a', healthy],
        ['b', healthy],
      ]),
      transitions: [],
      messages: [],
    }));
    const nothing = { statuses: new Map<string, TargetStatus>(), transitions: [], messages: [] };

    await store.record(['a'], () => nothing);
    expect([...(await store.read(['a', 'b'])).keys()]).toEqual(['a', 'b']);

    await store.record(['a'], () => ({ ...nothing, allTargets: ['a'] }));
    expect([...(await store.read(['a', 'b'])).keys()]).toEqual(['a']);
  });

  it('keeps a history entry for each target with transitions, in the same write, and forgets it with the target', async () => {
    const store = makeStore();
    const recovered = new Date(at.getTime() + 3_600_000);
    const recovery = {
      ...transition('a'),
      from: 'FAILED',
      fromHealthy: false,
      to: 'RUNNING',
      toHealthy: true,
      at: recovered,
    };
    const healthy = { ...status, state: 'RUNNING', healthy: true, unhealthySince: null, since: recovered };
    await store.record(['a', 'b'], () => ({
      statuses: new Map([
        ['a', status],
        ['b', healthy],
      ]),
      transitions: [transition('a')],
      messages: [],
    }));
    expect(await store.histories(['a', 'b'])).toEqual(
      new Map([
        [
          'a',
          {
            since: at.getTime(),
            down: {},
            spells: [{ from: at.getTime(), to: null, states: ['FAILED'], alerted: true }],
            exactFrom: 0,
            lastAt: at.getTime(),
          },
        ],
      ]),
    );

    await store.record(['a'], () => ({
      statuses: new Map([['a', healthy]]),
      transitions: [recovery],
      messages: [],
    }));
    const spell = {
      from: at.getTime(),
      to: recovered.getTime(),
      states: ['FAILED', 'RUNNING'],
      alerted: true,
    };
    expect((await store.histories(['a'])).get('a')?.spells).toEqual([spell]);

    const nothing = { statuses: new Map<string, TargetStatus>(), transitions: [], messages: [] };
    await store.record(['b'], () => ({ ...nothing, allTargets: ['b'] }));
    expect(await store.histories(['a', 'b'])).toEqual(new Map());
  });

  it('reads the history entries of every member of a discovery target by its prefix', async () => {
    const store = makeStore();
    await store.record(['orders/x', 'orders/y', 'other'], () => ({
      statuses: new Map([
        ['orders/x', status],
        ['orders/y', status],
        ['other', status],
      ]),
      transitions: [transition('orders/x'), transition('orders/y'), transition('other')],
      messages: [],
    }));
    expect([...(await store.histories(['orders/'])).keys()].sort()).toEqual(['orders/x', 'orders/y']);
  });

  it('stores a target whose first observations are still being counted with no state at all', async () => {
    const store = makeStore();
    const counting: TargetStatus = { ...status, state: null, healthy: true, unhealthySince: null };
    await store.record(['new'], () => ({
      statuses: new Map([['new', counting]]),
      transitions: [],
      messages: [],
    }));
    expect((await store.read(['new'])).get('new')).toEqual(counting);
  });

  const ping = (i: number): Ping => ({
    kind: i % 2 === 0 ? 'fail' : 'success',
    at: new Date(at.getTime() + i * 1000),
    message: `ping ${i}`,
    exitCode: i % 2 === 0 ? 1 : 0,
    value: i % 3 === 0 ? i : null,
  });

  it('reads back the newest ten pings, newest first, and the latest of each kind, tidied or not', async () => {
    const store = makeStore();
    for (let i = 0; i < 25; i++) await store.recordPing('job', ping(i));
    const newestTen = Array.from({ length: 10 }, (_, i) => ping(24 - i));
    const record = (await store.pushRecords(['job', 'never-pinged'])).get('job');
    expect(record?.recent).toEqual(newestTen);
    expect(record).toMatchObject({ lastFailure: ping(24).at, lastSuccess: ping(23).at, lastStart: null });
    expect((await store.pushRecords(['never-pinged'])).size).toBe(0);
    await store.pushRecords(['job'], { trim: true });
    expect((await store.pushRecords(['job'])).get('job')?.recent).toEqual(newestTen);
  });

  it('accepts every ping of a concurrent burst and reads back up to ten of them, newest first', async () => {
    const store = makeStore();
    await Promise.all(Array.from({ length: 25 }, (_, i) => store.recordPing('job', ping(i))));
    const record = (await store.pushRecords(['job'])).get('job');
    const recent = record?.recent ?? [];
    expect(recent.length).toBeGreaterThan(0);
    expect(recent.length).toBeLessThanOrEqual(10);
    expect(recent).toEqual(recent.map((p) => ping(Number(p.message.slice('ping '.length)))));
    expect(recent.map((p) => p.at)).toEqual(
      recent.map((p) => p.at).sort((a, b) => b.getTime() - a.getTime()),
    );
    expect(record?.lastFailure).toBeInstanceOf(Date);
    expect(record?.lastSuccess).toBeInstanceOf(Date);
  });

  it('keeps a silence until it ends or is lifted', async () => {
    const store = makeStore();
    const until = new Date(at.getTime() + 3_600_000);
    await store.silence('a', until);
    await store.silence('b', until);
    await store.silence('b', null);
    expect(await store.silences(at)).toEqual(new Map([['a', until]]));
    expect(await store.silences(until)).toEqual(new Map());
  });
});
