import { Firestore } from '@google-cloud/firestore';
import { afterAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../functions/model/incident.ts';
import { FirestoreIncidents } from '../../functions/store/firestore-incidents.ts';
import type { IncidentStore } from '../../functions/store/incident-store.ts';
import { MemoryIncidents } from '../../functions/store/memory-incidents.ts';
import { freshProject } from '../support/poller.ts';

const clients: Firestore[] = [];
afterAll(() => Promise.all(clients.map((c) => c.terminate())));

const stores: [string, () => IncidentStore][] = [
  ['memory', () => new MemoryIncidents()],
  [
    'Firestore (emulator)',
    () => {
      const db = new Firestore({ projectId: freshProject() });
      clients.push(db);
      return new FirestoreIncidents(db, 'poller_', { reads: 0, writes: 0 });
    },
  ],
];

const at = new Date('2026-11-23T09:00:00Z');

function incident(id: string, targets: string[], openedBy = 'entry-1'): Incident {
  return {
    id: `C0123/${id}`,
    channel: 'C0123',
    ts: id,
    openedBy,
    openedAt: at,
    opening: [],
    targets: Object.fromEntries(
      targets.map((t) => [t, { states: ['FAILED'], resolvedAt: null, resolvedTo: null }]),
    ),
    version: 0,
  };
}

const resolve = (target: string) => (i: Incident) => {
  const course = i.targets[target];
  if (course) Object.assign(course, { resolvedAt: at, resolvedTo: 'RUNNING' });
};

describe.each(stores)('the incident store (%s)', (_, makeStore) => {
  it('finds the open incident of each target, and none for a target that has none', async () => {
    const store = makeStore();
    await store.create(incident('1.1', ['a', 'b/with-slash']));
    const found = await store.openFor(['a', 'b/with-slash', 'c']);
    expect([...found.keys()]).toEqual(['a', 'b/with-slash']);
    expect(found.get('a')).toEqual(incident('1.1', ['a', 'b/with-slash']));
  });

  it('finds a resolved target’s incident only for the entry that resolved it', async () => {
    const store = makeStore();
    await store.create(incident('1.1', ['a', 'b']));
    const updated = await store.update('C0123/1.1', ['a'], 'entry-2', resolve('a'));
    expect(updated?.version).toBe(1);
    expect((await store.openFor(['a'], 'entry-3')).size).toBe(0);
    expect((await store.openFor(['a'], 'entry-2')).get('a')?.targets['a']?.resolvedTo).toBe('RUNNING');
    expect((await store.openFor(['b'], 'entry-3')).size).toBe(1);
  });

  it('repoints only the targets an update touched: a target in a newer incident stays there', async () => {
    const store = makeStore();
    await store.create(incident('1.1', ['a', 'b']));
    await store.update('C0123/1.1', ['b'], 'entry-2', resolve('b'));
    await store.create(incident('2.1', ['b'], 'entry-3'));
    await store.update('C0123/1.1', ['a'], 'entry-4', resolve('a'));
    expect((await store.openFor(['b'])).get('b')?.id).toBe('C0123/2.1');
    await store.close(incident('1.1', ['a', 'b']));
    expect((await store.openFor(['b'])).get('b')?.id).toBe('C0123/2.1');
  });

  it('loses no change when two deliveries update one incident at once', async () => {
    const store = makeStore();
    await store.create(incident('1.1', ['a', 'b']));
    await Promise.all([
      store.update('C0123/1.1', ['a'], 'entry-2', resolve('a')),
      store.update('C0123/1.1', ['b'], 'entry-3', resolve('b')),
    ]);
    const stored = await store.get('C0123/1.1');
    expect(stored?.version).toBe(2);
    expect(Object.values(stored?.targets ?? {}).map((t) => t.resolvedTo)).toEqual(['RUNNING', 'RUNNING']);
  });

  it('answers an update of an incident that is not there with nothing', async () => {
    expect(await makeStore().update('C0123/9.9', ['a'], 'entry-1', resolve('a'))).toBeUndefined();
  });
});
