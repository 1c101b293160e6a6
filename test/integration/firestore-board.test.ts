import { Firestore, Timestamp } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetStatus } from '../../functions/model/target-status.ts';
import { FirestoreStateStore } from '../../functions/store/firestore.ts';
import type { Changes } from '../../functions/store/state-store.ts';
import { freshProject } from '../support/poller.ts';

const at = new Date('2026-11-22T09:00:00Z');
const status = (state: string): TargetStatus => ({
  kind: 'cluster-heartbeat',
  state,
  healthy: state === 'HEALTHY',
  since: at,
  detail: `${state}: 3 components, 12 pods; apigw-7d9f8-abcde outofservice=true`,
  unhealthySince: null,
  streak: null,
});
const names = (n: number) => Array.from({ length: n }, (_, i) => `target-${i}`);
const none: Changes = { statuses: new Map(), transitions: [], messages: [] };
/** Firestore's size of a document, near enough: its JSON. */
const sizeOf = (data: unknown) => Buffer.byteLength(JSON.stringify(data));

/** The board over several documents: past the 1 MiB of one, a steady poll still reads few and writes none. */
describe('the Firestore board, sharded', () => {
  let db: Firestore;
  let store: FirestoreStateStore;
  const delta = async (run: () => Promise<unknown>) => {
    const before = { ...store.operations };
    await run();
    return { reads: store.operations.reads - before.reads, writes: store.operations.writes - before.writes };
  };

  beforeAll(async () => {
    db = new Firestore({ projectId: freshProject() });
    store = new FirestoreStateStore(db);
    const all = names(1200);
    await store.record(all, () => ({
      ...none,
      statuses: new Map(all.map((name) => [name, status('HEALTHY')])),
      allTargets: all,
    }));
  });

  afterAll(async () => {
    await db.terminate();
  });

  it('spreads 1,200 targets over 3 documents, each far below half of the 1 MiB limit', async () => {
    const docs = (await db.collection('status').get()).docs.filter((d) => d.id.startsWith('targets'));
    expect(docs.map((d) => d.id).sort()).toEqual(['targets', 'targets-1', 'targets-2']);
    expect((await db.collection('status').doc('targets').get()).get('shards')).toBe(3);
    const counts = docs.map((d) => Object.keys(d.get('targets') as object).length);
    expect(counts.reduce((a, b) => a + b)).toBe(1200);
    for (const doc of docs) expect(sizeOf(doc.data())).toBeLessThan(512 * 1024);
    expect((await store.read(names(1200))).size).toBe(1200);
  });

  it('reads every shard and writes nothing on a steady poll', async () => {
    const all = names(1200);
    expect(await delta(() => store.record(all, () => ({ ...none, allTargets: all })))).toEqual({
      reads: 3,
      writes: 0,
    });
  });

  it('reads the shard of one target, and writes that one entry, for a ping', async () => {
    const used = await delta(() =>
      store.record(['target-7'], () => ({ ...none, statuses: new Map([['target-7', status('DEGRADED')]]) })),
    );
    expect(used).toEqual({ reads: 2, writes: 1 });
    expect((await store.read(['target-7', 'target-8'])).get('target-7')?.state).toBe('DEGRADED');
    expect((await store.read(['target-8'])).get('target-8')?.state).toBe('HEALTHY');
  });

  it('forgets targets no longer listed, whichever shard they are in', async () => {
    const kept = names(300);
    await store.record(['target-0'], () => ({ ...none, allTargets: kept }));
    expect((await store.read(names(1200))).size).toBe(300);
  });

  it('shrinks back to one document when the board is small again, keeping every entry', async () => {
    const kept = names(300);
    await store.record(kept, () => ({
      ...none,
      statuses: new Map([['target-1', status('DOWN')]]),
      allTargets: kept,
    }));
    const docs = (await db.collection('status').get()).docs.filter((d) => d.id.startsWith('targets'));
    expect(docs.map((d) => d.id)).toEqual(['targets']);
    const read = await store.read(kept);
    expect(read.size).toBe(300);
    expect(read.get('target-1')?.state).toBe('DOWN');
    expect(read.get('target-7')?.state).toBe('DEGRADED');
  });

  it('writes the history of a poll that changes more than 500 targets right after its commit', async () => {
    const fresh = new Firestore({ projectId: freshProject() });
    try {
      const big = new FirestoreStateStore(fresh);
      const many = names(600);
      const transitions = many.map((target) => ({
        target,
        kind: 'cluster-heartbeat' as const,
        cause: 'change' as const,
        from: null,
        fromHealthy: null,
        to: 'DEGRADED',
        toHealthy: false,
        at,
        detail: 'a pod is out of its database',
        unhealthySince: at,
        message: 'send' as const,
      }));
      await big.record(many, () => ({
        statuses: new Map(many.map((name) => [name, status('DEGRADED')])),
        transitions,
        messages: [{ route: 'default', transitions: [0, 1], notices: [] }],
        allTargets: many,
      }));
      expect((await fresh.collection('transitions').count().get()).data().count).toBe(600);
      const [entry] = await big.undelivered();
      expect(entry?.transitionIds).toHaveLength(2);
      await big.markSent(entry as NonNullable<typeof entry>, at);
      const stamped = await fresh
        .collection('transitions')
        .doc(entry?.transitionIds[0] ?? '')
        .get();
      expect(stamped.get('to')).toBe('DEGRADED');
      expect((stamped.get('notifiedAt') as Timestamp).toDate()).toEqual(at);
    } finally {
      await fresh.terminate();
    }
  });

  it('reads a board of one document as 0.2 wrote it (no shard count)', async () => {
    const legacy = new Firestore({ projectId: freshProject() });
    try {
      const { since, ...rest } = status('HEALTHY');
      await legacy
        .collection('status')
        .doc('targets')
        .set({ targets: { old: { ...rest, since: Timestamp.fromDate(since) } } });
      const read = await new FirestoreStateStore(legacy).read(['old']);
      expect(read.get('old')?.state).toBe('HEALTHY');
    } finally {
      await legacy.terminate();
    }
  });
});

/** The history entries beside the board: sharded as it is, read only where a poll changes something. */
describe('the history entries, sharded like the board', () => {
  const first = (name: string) => ({
    target: name,
    kind: 'cluster-heartbeat' as const,
    cause: 'change' as const,
    from: null,
    fromHealthy: null,
    to: 'HEALTHY',
    toHealthy: true,
    at,
    detail: '',
    unhealthySince: null,
    message: 'none' as const,
  });

  it('spreads 1,200 entries over 3 documents, and a poll that changes one target reads its shard, not all', async () => {
    const db = new Firestore({ projectId: freshProject() });
    const store = new FirestoreStateStore(db);
    const all = names(1200);
    await store.record(all, () => ({
      ...none,
      statuses: new Map(all.map((name) => [name, status('HEALTHY')])),
      transitions: all.map(first),
      allTargets: all,
    }));
    const docs = (await db.collection('history').get()).docs.map((d) => d.id).sort();
    expect(docs).toEqual(['targets', 'targets-1', 'targets-2']);
    expect((await store.histories(all)).size).toBe(1200);

    const before = { ...store.operations };
    const change = {
      ...first('target-7'),
      from: 'HEALTHY',
      fromHealthy: true,
      to: 'DEGRADED',
      toHealthy: false,
    };
    await store.record(all, () => ({
      ...none,
      statuses: new Map([['target-7', status('DEGRADED')]]),
      transitions: [change],
      allTargets: all,
    }));
    // The board's 3 shards, then history shard 0 and target-7's (the same one, or another).
    expect(store.operations.reads - before.reads).toBeLessThanOrEqual(5);
    expect(store.operations.writes - before.writes).toBe(3);
    expect((await store.histories(['target-7'])).get('target-7')?.spells).toHaveLength(1);
    await db.terminate();
  });
});
