/**
 * The status page benchmark. N targets with 90 days of history (each down a few times, minutes
 * to hours, as recorded by the store itself) in the Firestore emulator; the `status` function from
 * its build, started as Cloud Run starts it (functions-framework, FUNCTION_TARGET=status, the
 * NODE_OPTIONS Terraform gives its 256 MiB instance, the targets file compiled as deployed).
 * Prints the Firestore reads per view, the page's size, how long a page takes to read and render
 * in process with no cache (each view a fresh read of the emulator: the bound), and what the
 * deployed function answers: the first request of a fresh instance, then warm ones (the page and
 * /api/targets share one read for 10 s there; a history and a badge read their target each time).
 *
 * Run: npm run bench:status -- [--targets 300] [--views 20] [--no-build]
 */
import { execFileSync, spawn } from 'node:child_process';
import { get as httpGet } from 'node:http';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Firestore } from '@google-cloud/firestore';
import { readStatus } from '../functions/app/status.ts';
import { statusPage } from '../functions/status/page.ts';
import { compileFile } from '../functions/config/compiled.ts';
import { FirestoreStateStore } from '../functions/store/firestore.ts';
import { startEmulator } from '../test/support/emulator.ts';
import { freePort } from '../test/support/function-process.ts';
import { seedHistory } from './seed-history.ts';

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: '300' },
    views: { type: 'string', default: '20' },
    // What terraform/status.tf sets for its 256Mi instance (local.node_options["256Mi"]).
    'node-options': { type: 'string', default: '--max-old-space-size=128 --max-semi-space-size=8' },
    'no-build': { type: 'boolean', default: false },
  },
});
const N = Number(values.targets);
const VIEWS = Number(values.views);
const BOUND_MS = 1000;
const FRAMEWORK = join('node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');
const say = (line: string) => {
  process.stdout.write(`${line}\n`);
};

if (!values['no-build']) execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
const dir = await mkdtemp(join(tmpdir(), 'bench-status-'));
const targetsFile = join(dir, 'targets.yaml');
const names = Array.from({ length: N }, (_, i) => `service-${String(i).padStart(4, '0')}`);
await writeFile(
  targetsFile,
  `targets:\n${names.map((name) => `  - { name: ${name}, kind: push, every: 1h, grace: 10m }`).join('\n')}\n`,
);
await compileFile(targetsFile);

const emulator = await startEmulator();
process.env['FIRESTORE_EMULATOR_HOST'] = emulator.host;
const project = 'bench-status';
const db = new Firestore({ projectId: project });
const store = new FirestoreStateStore(db);
const now = Date.now();

// 90 days of history, recorded through the store as polls would (scripts/seed-history.ts): every
// target up from the start, down on ~8% of days for 5 minutes to 3 hours (FAILED, sometimes
// through DOWN), then up again. Seeded, so every run measures the same history.
const seeded = await seedHistory(store, names, { now, days: 90, incidentRate: 0.08, seed: 42 });
say(
  `history         ${N} targets, 90 days, ${seeded.incidents} incidents, ${seeded.transitions} transitions ` +
    `(recorded in ${Math.round(seeded.recordMs)} ms)`,
);

const { view, reads } = await readStatus({ targetsFile, store, clock: () => new Date() }, { public: false });
say(
  `reads per view  ${reads} (board, history, silences: 2 × ceil(${N} / 500) + 1 = ${2 * Math.ceil(N / 500) + 1})`,
);
say(`targets shown   ${view.targets.length}`);

// Uncached: what a view costs when nothing is shared, the read and the HTML.
const renders: number[] = [];
for (let i = 0; i < VIEWS; i++) {
  const t = performance.now();
  const fresh = await readStatus({ targetsFile, store, clock: () => new Date() }, { public: false });
  statusPage(fresh.view, fresh.view.targets, { q: '', show: 'all' });
  renders.push(performance.now() - t);
}

// The status function as Cloud Run runs it.
const port = await freePort();
const started = performance.now();
const child = spawn(process.execPath, [FRAMEWORK, '--target=status', '--signature-type=http'], {
  env: {
    PATH: process.env['PATH'],
    FIRESTORE_EMULATOR_HOST: emulator.host,
    GOOGLE_CLOUD_PROJECT: project,
    STATE_STORE: 'firestore',
    TARGETS_FILE: targetsFile,
    FUNCTION_TARGET: 'status',
    NODE_OPTIONS: values['node-options'],
    MALLOC_ARENA_MAX: '2',
    METADATA_SERVER_DETECTION: 'none',
    PORT: String(port),
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
process.on('exit', () => child.kill());
const url = `http://127.0.0.1:${port}`;
const time = async (path: string) => {
  const t = performance.now();
  const response = await fetch(`${url}${path}`);
  const body = await response.text();
  if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status}: ${body.slice(0, 200)}`);
  return { ms: performance.now() - t, bytes: Buffer.byteLength(body) };
};
let first: { ms: number; bytes: number } | undefined;
while (!first) {
  first = await time('/').catch(() => new Promise<undefined>((resolve) => setTimeout(resolve, 20)));
}
const coldMs = performance.now() - started;
const summary = (times: number[]) => {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);
  return { median: at(0.5), p95: at(0.95), max: at(1) };
};
const warm = async (path: string) => {
  const times: number[] = [];
  for (let i = 0; i < VIEWS; i++) times.push((await time(path)).ms);
  return summary(times);
};
/** The page's size as sent to a browser that takes gzip (fetch would count it unpacked). */
function gzippedBytes(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    httpGet(address, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => {
        resolve(bytes);
      });
    }).on('error', reject);
  });
}
const page = await warm('/');
const api = await warm('/api/targets');
const history = await warm(`/api/targets/${names[0] ?? ''}/history`);
const badge = await warm(`/badge/${names[0] ?? ''}/uptime-30d.svg`);
const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;
say(`cold start      first page in ${Math.round(coldMs)} ms from spawn (${kib(first.bytes)} of HTML)`);
say(`page, gzipped   ${kib(await gzippedBytes(`${url}/`))} (as sent to a browser, which takes gzip)`);
const uncached = summary(renders);
say(
  `page, uncached  median ${uncached.median} ms · p95 ${uncached.p95} ms · max ${uncached.max} ms (${VIEWS} reads of the emulator and renders, in process)`,
);
say(`page (HTTP)     median ${page.median} ms · p95 ${page.p95} ms · max ${page.max} ms (${VIEWS} views)`);
say(`/api/targets    median ${api.median} ms · p95 ${api.p95} ms`);
say(`history (JSON)  median ${history.median} ms · p95 ${history.p95} ms`);
say(`badge           median ${badge.median} ms · p95 ${badge.p95} ms`);
const ok = uncached.max < BOUND_MS && page.max < BOUND_MS && reads === 2 * Math.ceil(N / 500) + 1;
say(
  `bound           ${ok ? 'ok' : 'EXCEEDED'} (every uncached read and render, and every warm view, under ${BOUND_MS} ms; reads as above)`,
);

child.kill();
await db.terminate();
await emulator.stop();
process.exit(ok ? 0 : 1);
