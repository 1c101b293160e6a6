import { Firestore, Timestamp } from '@google-cloud/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import type { Ping } from '../../functions/model/ping.ts';
import { FirestoreStateStore } from '../../functions/store/firestore.ts';
import { freshProject } from '../support/poller.ts';

const clients: Firestore[] = [];
afterAll(() => Promise.all(clients.map((c) => c.terminate())));

const at = new Date('2026-11-21T09:00:00Z');
const ping = (i: number): Ping => ({
  kind: i % 2 === 0 ? 'fail' : 'success',
  at: new Date(at.getTime() + i * 1000),
  message: `ping ${i}`,
  exitCode: null,
  value: null,
});

/** A `pings/{target}` document as 0.1 wrote it: every ping appended to `recent`, oldest first. */
async function writtenBy01(db: Firestore, count: number) {
  const pings = Array.from({ length: count }, (_, i) => ping(i));
  const last = (kind: Ping['kind']) => Timestamp.fromDate(pings.findLast((p) => p.kind === kind)?.at ?? at);
  const ref = db.collection('poller_pings').doc('job');
  await ref.set({
    lastSuccess: last('success'),
    lastFailure: last('fail'),
    recent: pings.map((p, i) => ({ ...p, id: `id-${i}`, at: Timestamp.fromDate(p.at) })),
  });
  return ref;
}

describe('pings stored by 0.1 (a `recent` list), read by the Firestore store', () => {
  const setUp = () => {
    const db = new Firestore({ projectId: freshProject() });
    clients.push(db);
    return { db, store: new FirestoreStateStore(db, 'poller_') };
  };

  it('are read as they are, and the newest ten stay when a tidying poll drops the list', async () => {
    const { db, store } = setUp();
    const ref = await writtenBy01(db, 30);
    const newestTen = Array.from({ length: 10 }, (_, i) => ping(29 - i));
    expect((await store.pushRecords(['job'])).get('job')).toEqual({
      lastSuccess: ping(29).at,
      lastStart: null,
      lastFailure: ping(28).at,
      recent: newestTen,
    });
    expect((await ref.get()).get('recent')).toHaveLength(30);

    await store.pushRecords(['job'], { trim: true });
    expect((await ref.get()).get('recent')).toBeUndefined();
    expect((await store.pushRecords(['job'])).get('job')?.recent).toEqual(newestTen);
  });

  it('make way for new pings, which take slots beside the list until a poll tidies', async () => {
    const { db, store } = setUp();
    const ref = await writtenBy01(db, 12);
    await store.recordPing('job', ping(12));
    await store.recordPing('job', ping(13));
    const newestTen = Array.from({ length: 10 }, (_, i) => ping(13 - i));
    expect((await store.pushRecords(['job'])).get('job')?.recent).toEqual(newestTen);

    await store.pushRecords(['job'], { trim: true });
    const tidied = (await ref.get()).data() ?? {};
    expect(Object.keys(tidied).sort()).toEqual(['lastFailure', 'lastSuccess', 'slots']);
    expect(Object.keys(tidied['slots'] as object)).toHaveLength(10);
    expect((await store.pushRecords(['job'])).get('job')?.recent).toEqual(newestTen);
  });
});
