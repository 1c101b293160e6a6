import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TargetReport } from '../../functions/app/report.ts';
import { GoogleFake, type FakeResource } from '../support/google-fake.ts';
import { freshProject, Poller } from '../support/poller.ts';

const STREAM = 'projects/acme/locations/asia-northeast1/streams/orders';
const object = (id: string, identifier: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
  name: `${STREAM}/objects/${id}`,
  displayName: Object.values(identifier).join('.'),
  sourceObject: identifier,
  backfillJob: { state: 'COMPLETED', trigger: 'AUTOMATIC' },
  errors: [],
  ...more,
});
const broken = (n: number) =>
  object(
    `o${n}`,
    { mysqlIdentifier: { database: 'shop', table: `t${n}` } },
    {
      errors: [
        { reason: 'UNSUPPORTED_COLUMN_TYPE', message: `column c${n} is GEOMETRY`, errorUuid: `u${n}` },
      ],
    },
  );

/** A Cloud Monitoring v3 `timeSeries.list` answer: one series, newest point first, INT64 as a string. */
function freshnessSeries(...secondsNewestFirst: number[]): FakeResource {
  return {
    timeSeries: [
      {
        metric: { type: 'datastream.googleapis.com/stream/freshness' },
        resource: {
          type: 'datastream.googleapis.com/Stream',
          labels: { resource_container: 'acme', location: 'asia-northeast1', stream_id: 'orders' },
        },
        metricKind: 'GAUGE',
        valueType: 'INT64',
        points: secondsNewestFirst.map((s, i) => ({
          interval: {
            startTime: new Date(Date.UTC(2026, 10, 22, 12, 10 - i)).toISOString(),
            endTime: new Date(Date.UTC(2026, 10, 22, 12, 10 - i)).toISOString(),
          },
          value: { int64Value: String(s) },
        })),
      },
    ],
    unit: 's',
  };
}

/** `objects: true` and `maxFreshness`: a RUNNING stream can still be broken inside. */
describe('Datastream beyond its state', () => {
  let google: GoogleFake;
  let poller: Poller;
  let monitoring: FakeResource;
  const state = async (): Promise<TargetReport> => {
    const { report } = await poller.poll('?dryRun=true');
    return report.targets[0] as TargetReport;
  };

  beforeAll(async () => {
    google = await GoogleFake.start();
    google.handlers.push((url) =>
      url.pathname.endsWith('/v3/projects/acme/timeSeries') ? monitoring : null,
    );
    poller = await Poller.start(
      {
        GOOGLE_CLOUD_PROJECT: freshProject(),
        DATASTREAM_API_URL: google.urlFor('datastream'),
        MONITORING_API_URL: google.urlFor('monitoring'),
      },
      `
targets:
  - { name: orders, kind: datastream, stream: ${STREAM}, objects: true, maxFreshness: 15m }
`,
    );
  });

  beforeEach(() => {
    google.resources.clear();
    google.put(STREAM, { state: 'RUNNING' });
    monitoring = freshnessSeries(42, 3000);
  });

  afterAll(async () => {
    await poller.close();
    await google.close();
  });

  it('is RUNNING while every object is fine and data is fresh, saying how fresh', async () => {
    google.put(
      `${STREAM}/objects/o1`,
      object('o1', { postgresqlIdentifier: { schema: 'public', table: 'orders' } }),
    );
    expect(await state()).toMatchObject({
      state: 'RUNNING',
      healthy: true,
      detail: `stream ${STREAM}; freshness 42s at 2026-11-22T12:10:00.000Z (limit 15m)`,
    });
    const query = google.requests.find((r) => r.path.endsWith('timeSeries'))?.query;
    expect(query?.get('filter')).toBe(
      'metric.type = "datastream.googleapis.com/stream/freshness" AND resource.labels.stream_id = "orders"',
    );
    expect(query?.get('view')).toBe('FULL');
    expect(query?.get('interval.endTime')).toBeTruthy();
  });

  it('is OBJECT_ERRORS when objects have errors or a failed backfill, naming the first few and counting the rest', async () => {
    google.put(
      `${STREAM}/objects/ok`,
      object('ok', { oracleIdentifier: { schema: 'SALES', table: 'ITEMS' } }),
    );
    google.put(
      `${STREAM}/objects/bf`,
      object(
        'bf',
        { postgresqlIdentifier: { schema: 'public', table: 'payments' } },
        {
          backfillJob: {
            state: 'FAILED',
            errors: [{ reason: 'BACKFILL_FAILED', message: 'query timed out' }],
          },
        },
      ),
    );
    google.put(
      `${STREAM}/objects/un`,
      object(
        'un',
        { postgresqlIdentifier: { schema: 'public', table: 'blobs' } },
        { backfillJob: { state: 'UNSUPPORTED' } },
      ),
    );
    for (const n of [1, 2, 3, 4, 5]) google.put(`${STREAM}/objects/o${n}`, broken(n));
    const before = google.requests.length;
    const seen = await state();
    expect(seen).toMatchObject({ state: 'OBJECT_ERRORS', healthy: false });
    expect(seen.detail).toBe(
      '7 of 8 objects have errors; public.payments: backfill FAILED (BACKFILL_FAILED: query timed out); ' +
        'public.blobs: backfill UNSUPPORTED; shop.t1: UNSUPPORTED_COLUMN_TYPE: column c1 is GEOMETRY; ' +
        'shop.t2: UNSUPPORTED_COLUMN_TYPE: column c2 is GEOMETRY; shop.t3: UNSUPPORTED_COLUMN_TYPE: column c3 is GEOMETRY; ' +
        'and 2 more; freshness 42s at 2026-11-22T12:10:00.000Z (limit 15m)',
    );
    // Every page of the objects was read (two per page here).
    expect(google.requests.slice(before).filter((r) => r.path.endsWith('/objects')).length).toBe(4);
  });

  it('is STALE above maxFreshness, with the freshness measured', async () => {
    monitoring = freshnessSeries(1260, 40);
    expect(await state()).toMatchObject({
      state: 'STALE',
      healthy: false,
      detail: 'freshness 21m at 2026-11-22T12:10:00.000Z (limit 15m)',
    });
  });

  it('says when Monitoring has no point in its window, and does not call that stale', async () => {
    monitoring = { timeSeries: [] };
    expect(await state()).toMatchObject({
      state: 'RUNNING',
      healthy: true,
      detail: `stream ${STREAM}; no freshness reported in the last 15m`,
    });
    monitoring = {};
    expect((await state()).state).toBe('RUNNING');
  });

  it('names roles/monitoring.viewer when Monitoring refuses, and leaves a stream not running to its own state', async () => {
    monitoring = {
      httpStatus: 403,
      status: 'PERMISSION_DENIED',
      message: 'Permission monitoring.timeSeries.list denied (or the resource may not exist).',
    };
    const refused = await state();
    expect(refused.state).toBe('PERMISSION_DENIED');
    expect(refused.detail).toContain('grant roles/monitoring.viewer');

    google.put(STREAM, { state: 'PAUSED' });
    const before = google.requests.length;
    expect(await state()).toMatchObject({ state: 'PAUSED', detail: `stream ${STREAM}` });
    // A stream that is not running is not looked into.
    expect(google.requests.slice(before).map((r) => r.path)).toEqual([`v1/${STREAM}`]);
  });
});
