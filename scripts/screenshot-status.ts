/**
 * The README's picture of the status page, made again by anyone: `npm run screenshot`.
 *
 * A Firestore emulator gets 90 days of history of eight targets of different kinds
 * (scripts/seed-history.ts: most down a few times, one flaky, one down now, one silenced), recorded
 * through the store as polls would have; the all-in-one of `npm start` serves the page over it;
 * headless Chromium (test/support/browser.ts) takes docs/status-page.png at 1280 px, and a phone's
 * view for a look (printed path). Nothing polls: a poll would replace the seeded states with what
 * it observes (every Google target UNREACHABLE without credentials), so POLL_EVERY is off, no
 * request goes to `/`, and no check, Slack webhook or Google API is ever called.
 *
 * Needs gcloud's Firestore emulator and Chromium, as the tests do.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Firestore } from '@google-cloud/firestore';
import { FirestoreStateStore } from '../functions/store/firestore.ts';
import { launchBrowser, type Browser } from '../test/support/browser.ts';
import { startEmulator, type Emulator } from '../test/support/emulator.ts';
import { startFunction, type FunctionProcess } from '../test/support/function-process.ts';
import { seedHistory, type SeedTarget } from './seed-history.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = join(ROOT, 'docs', 'status-page.png');
const PHONE_OUT = join(tmpdir(), 'status-phone.png');
const PROJECT = 'acme-data';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// Never called (nothing polls), but the routes' variables must be set for the file to load.
const WEBHOOK = 'http://127.0.0.1:9/';

const TARGETS_YAML = `# The targets of the README's screenshot (scripts/screenshot-status.ts).
version: 1
routes:
  data: SLACK_WEBHOOK_DATA
  ops: SLACK_WEBHOOK_OPS
targets:
  - name: orders-to-bq
    kind: datastream
    project: ${PROJECT}
    location: asia-northeast1
    stream: orders-to-bq
    route: data
  - { name: billing-db, kind: cloudsql, project: acme-billing, instance: billing-db, route: data }
  - { name: payments-api, kind: cloud-run, project: acme-payments, location: asia-northeast1, service: payments-api }
  - { name: apps-cluster, kind: gke-cluster, project: acme-platform, location: asia-northeast1, cluster: apps, route: ops }
  - name: qmonus-prod
    kind: cluster-heartbeat
    url: https://apigw.internal.example/heartbeat?cluster=true
    components: [APIGW, SCENARIO, SCHEDULE]
    route: ops
  - { name: search-cache, kind: redis, project: acme-platform, location: asia-northeast1, instance: search-cache }
  - { name: nightly-backup, kind: push, every: 1d, grace: 2h, maxRuntime: 2h, route: ops }
  - { name: export-job, kind: push, every: 1h, grace: 15m }
`;

/** How each target's last 90 days went, in the words its check would have used. */
const HISTORY: SeedTarget[] = [
  {
    name: 'orders-to-bq',
    kind: 'datastream',
    incidentRate: 0.02,
    up: {
      state: 'RUNNING',
      detail: `stream projects/${PROJECT}/locations/asia-northeast1/streams/orders-to-bq`,
    },
    failures: [
      {
        state: 'FAILED',
        detail:
          'stream errors: BACKFILL_FAILED: Backfill of object public.order_items failed: permission denied for table order_items',
      },
      {
        state: 'FAILED',
        detail: 'stream errors: SOURCE_CONNECTION_ERROR: Connection to the source database timed out',
      },
    ],
    worse: null,
  },
  {
    name: 'billing-db',
    kind: 'cloudsql',
    incidentRate: 0.015,
    longest: HOUR,
    up: { state: 'RUNNABLE', detail: 'POSTGRES_15; activation policy ALWAYS' },
    failures: [
      { state: 'MAINTENANCE', detail: 'POSTGRES_15; activation policy ALWAYS' },
      { state: 'FAILED', detail: 'POSTGRES_15; activation policy ALWAYS' },
    ],
    worse: null,
  },
  {
    name: 'payments-api',
    kind: 'cloud-run',
    incidentRate: 0.015,
    longest: 40 * MINUTE,
    up: { state: 'CONDITION_SUCCEEDED', detail: 'serving payments-api-00042-xob' },
    failures: [
      {
        state: 'CONDITION_FAILED',
        detail:
          "RevisionFailed; Revision 'payments-api-00043-kav' is not ready and cannot serve traffic. The user-provided container failed to start and listen on the port defined by the PORT=8080 environment variable.; serving payments-api-00042-xob",
      },
    ],
    worse: null,
  },
  {
    name: 'apps-cluster',
    kind: 'gke-cluster',
    incidentRate: 0.015,
    up: { state: 'RUNNING', detail: '1.33.5-gke.1201000' },
    failures: [
      {
        state: 'DEGRADED',
        detail:
          "RESOURCE_EXHAUSTED: Insufficient regional quota to satisfy request: resource \"CPUS\": request requires '8.0' and is short '4.0'; 1.33.5-gke.1201000",
      },
    ],
    worse: { state: 'ERROR', detail: 'Cluster is in an error state; 1.33.5-gke.1201000' },
  },
  // The flaky one: down every other week, for minutes at a time (the others a few times a quarter).
  {
    name: 'qmonus-prod',
    kind: 'cluster-heartbeat',
    incidentRate: 0.1,
    longest: 25 * MINUTE,
    up: { state: 'HEALTHY', detail: '3 components, 9 pods, all healthy' },
    failures: [
      { state: 'DEGRADED', detail: 'SCENARIO/scenario-7f9c4d-2kq8x: database=false (allowed: true)' },
      { state: 'DEGRADED', detail: 'SCHEDULE: 1 pods, expected at least 2' },
      {
        state: 'HTTP_503',
        detail: 'HTTP 503 Service Unavailable: upstream connect error or disconnect/reset before headers',
      },
      { state: 'UNREACHABLE', detail: 'timed out after 10s' },
    ],
    worse: null,
  },
  // Never down in 90 days: a row all green.
  {
    name: 'search-cache',
    kind: 'redis',
    incidentRate: 0,
    up: { state: 'READY', detail: 'STANDARD_HA; REDIS_7_2' },
  },
  // Down now: the row on top.
  {
    name: 'nightly-backup',
    kind: 'push',
    incidentRate: 0.02,
    longest: 8 * HOUR,
    up: { state: 'UP', detail: 'last ping 1s ago, exit code 0' },
    failures: [
      {
        state: 'FAILED',
        detail:
          'the job reported a failure, exit code 1: pg_dump: error: query failed: ERROR: canceling statement due to conflict with recovery',
      },
    ],
    worse: { state: 'DOWN', detail: 'started 2h 4m ago and did not finish within 2h' },
    endsUnhealthy: {
      for: 3 * HOUR + 20 * MINUTE,
      state: 'FAILED',
      detail:
        'the job reported a failure, exit code 2: pg_dump: error: connection to server at "10.20.0.3", port 5432 failed: Connection refused',
    },
  },
  // Silenced below (its alerts held for the next two hours).
  {
    name: 'export-job',
    kind: 'push',
    incidentRate: 0.03,
    longest: 2 * HOUR,
    up: { state: 'UP', detail: 'last ping 3s ago, exit code 0' },
    failures: [
      {
        state: 'FAILED',
        detail:
          'the job reported a failure, exit code 1: bq extract: Access Denied: Table acme-data:exports.daily_orders: Permission bigquery.tables.export denied',
      },
    ],
    worse: { state: 'DOWN', detail: 'no ping for 1h 15m, grace of 15m passed' },
  },
];

process.chdir(ROOT); // startFunction finds the framework and the all-in-one from here
// No Google Cloud here: the Firestore client must not probe for a metadata server (a warning).
process.env['METADATA_SERVER_DETECTION'] = 'none';
const dir = await mkdtemp(join(tmpdir(), 'screenshot-status-'));
let emulator: Emulator | undefined;
let db: Firestore | undefined;
let fn: FunctionProcess | undefined;
let browser: Browser | undefined;
try {
  const targetsFile = join(dir, 'targets.yaml');
  await writeFile(targetsFile, TARGETS_YAML);
  // The file must be one the product accepts, or the picture shows a config the docs would not.
  execFileSync(process.execPath, ['cli/gcp-status-poller.ts', 'validate', targetsFile], {
    stdio: 'inherit',
    env: { ...process.env, GOOGLE_CLOUD_PROJECT: PROJECT },
  });

  emulator = await startEmulator();
  process.env['FIRESTORE_EMULATOR_HOST'] = emulator.host;
  db = new Firestore({ projectId: PROJECT });
  const store = new FirestoreStateStore(db);
  const now = Date.now();
  const seeded = await seedHistory(store, HISTORY, { now, days: 90, seed: 7 });
  await store.silence('export-job', new Date(now + 2 * HOUR));
  process.stdout.write(
    `seeded ${seeded.targets} targets: ${seeded.incidents} incidents, ${seeded.transitions} transitions\n`,
  );

  // As `npm start` runs it, with no schedule: the page only reads the store.
  fn = await startFunction(
    'all',
    {
      FIRESTORE_EMULATOR_HOST: emulator.host,
      GOOGLE_CLOUD_PROJECT: PROJECT,
      TARGETS_FILE: targetsFile,
      POLL_EVERY: 'off',
      METADATA_SERVER_DETECTION: 'none',
      SLACK_WEBHOOK_DATA: WEBHOOK,
      SLACK_WEBHOOK_OPS: WEBHOOK,
    },
    '/status/api/targets',
  );
  browser = await launchBrowser();
  const desktop = await browser.open(`${fn.url}/status/`, { width: 1280, height: 900 });
  await desktop.screenshot(OUT, { fullPage: true });
  const phone = await browser.open(`${fn.url}/status/`, {
    width: 390,
    height: 844,
    mobile: true,
    deviceScaleFactor: 2,
  });
  await phone.screenshot(PHONE_OUT, { fullPage: true });
  const kib = async (path: string) => `${Math.round((await stat(path)).size / 1024)} KiB`;
  process.stdout.write(
    `wrote ${OUT} (${await kib(OUT)}) and, for a look, ${PHONE_OUT} (${await kib(PHONE_OUT)})\n`,
  );
} finally {
  await browser?.close();
  fn?.child.kill();
  await db?.terminate();
  await emulator?.stop();
  await rm(dir, { recursive: true, force: true });
}
