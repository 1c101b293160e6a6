/**
 * The scale benchmark. The function from its build, started as Cloud Run starts it
 * (functions-framework, with the NODE_OPTIONS and MALLOC_ARENA_MAX Terraform gives a 512 MiB
 * instance), polls N heartbeat targets,
 * half of them degraded, each answering in 50 ms, with its states in the Firestore emulator.
 * Prints cold starts next to a bare functions-framework hello, the first and the steady poll
 * times, the function's peak RSS, the Firestore reads and writes of a steady poll and of a
 * change, and the largest document.
 *
 * The targets file is compiled as `npm run package` compiles it for a deployment; `--yaml` leaves
 * it as YAML, as `npm start` reads it (parsed on the first poll).
 *
 * Run: npm run bench -- --targets 10000 [--latency 50] [--polls 3] [--node-options='…'] [--yaml] [--no-build]
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Firestore } from '@google-cloud/firestore';
import { compileFile } from '../functions/config/compiled.ts';
import { healthyCluster, pod } from '../test/support/cluster-server.ts';
import { startEmulator } from '../test/support/emulator.ts';
import { freePort } from '../test/support/function-process.ts';
import { listen } from '../test/support/http-server.ts';

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: '10000' },
    latency: { type: 'string', default: '50' },
    polls: { type: 'string', default: '3' },
    // What terraform/main.tf sets for function_memory = 512Mi (a test keeps the two equal).
    'node-options': { type: 'string', default: '--max-old-space-size=256 --max-semi-space-size=8' },
    yaml: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});
const N = Number(values.targets);
const LATENCY = Number(values.latency);
const NODE_OPTIONS = values['node-options'];
const FRAMEWORK = join('node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js');
const say = (line: string) => {
  process.stdout.write(`${line}\n`);
};

const spawned: ChildProcess[] = [];
process.on('exit', () => {
  for (const child of spawned) child.kill();
});
if (!values['no-build']) execFileSync('npm', ['run', 'build'], { stdio: 'ignore' });
const dir = await mkdtemp(join(tmpdir(), 'bench-'));

// Heartbeats: even targets healthy, odd ones with a pod out of its database; `flip` turns some over.
const healthy = JSON.stringify(healthyCluster());
const degraded = JSON.stringify({
  ...healthyCluster(),
  APIGW: [pod('apigw-7d9f8-abcde'), pod('apigw-7d9f8-fghij', { database: false })],
});
const flipped = new Set<number>();
const cluster = await listen((req, res) => {
  const n = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('n'));
  const bad = (n % 2 === 1) !== flipped.has(n);
  setTimeout(
    () => res.writeHead(200, { 'content-type': 'application/json' }).end(bad ? degraded : healthy),
    LATENCY,
  );
});
const targetsFile = join(dir, 'targets.yaml');
await writeFile(
  targetsFile,
  `targets:\n${Array.from(
    { length: N },
    (_, i) =>
      `  - { name: h${i}, kind: cluster-heartbeat, url: "${cluster.url}/heartbeat?cluster=true&n=${i}" }`,
  ).join('\n')}\n`,
);
const compiled = !values.yaml;
if (compiled) await compileFile(targetsFile);

/** Spawns functions-framework on a free port; resolves with the process and its port once it answers. */
async function start(
  args: string[],
  env: Record<string, string>,
  path: string,
  onLine?: (line: string) => void,
): Promise<{ child: ChildProcess; port: number; ms: number }> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(process.execPath, [FRAMEWORK, ...args], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  spawned.push(child);
  createInterface({ input: child.stdout }).on('line', (line) => onLine?.(line));
  for (;;) {
    try {
      await (await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST' })).text();
      return { child, port, ms: performance.now() - started };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

/** Median time to the first answer over `runs` fresh processes. */
async function coldStart(
  args: string[],
  env: Record<string, string>,
  path: string,
  runs = 5,
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { child, ms } = await start(args, env, path);
    child.kill();
    times.push(ms);
  }
  return Math.round(times.sort((a, b) => a - b)[Math.floor(runs / 2)] ?? NaN);
}

// Cold starts: a bare hello, then poll and ping as measure:cold-start does (states in memory).
const hello = join(dir, 'hello');
execFileSync('mkdir', ['-p', hello]);
await writeFile(join(hello, 'package.json'), '{"main": "index.js"}');
await writeFile(join(hello, 'index.js'), 'exports.hello = (req, res) => res.send("hello");\n');
const small = join(dir, 'small.yaml');
await writeFile(small, 'targets:\n  - { name: backup, kind: push, every: 1d }\n');
if (compiled) await compileFile(small);
const quiet = { STATE_STORE: 'memory', TARGETS_FILE: small, PING_KEY: 'k3y-0123456789abcdef' };
const bare = await coldStart(['--target=hello', `--source=${hello}`], {}, '/');
const pollCold = await coldStart(['--target=poll', '--signature-type=http'], quiet, '/?dryRun=true');
const pingCold = await coldStart(
  ['--target=ping', '--signature-type=http'],
  quiet,
  '/k3y-0123456789abcdef/backup',
);

// The function at scale, against the emulator.
const emulator = await startEmulator();
// This script reads the documents too, through the emulator.
process.env['FIRESTORE_EMULATOR_HOST'] = emulator.host;
process.on('uncaughtException', (error) => {
  console.error(error);
  void emulator.stop().finally(() => process.exit(1));
});
const project = `bench-${Date.now()}`;
const summaries: { store?: { reads: number; writes: number }; durationMs?: number }[] = [];
const fn = await start(
  ['--target=poll', '--signature-type=http'],
  {
    NODE_OPTIONS,
    // As Terraform sets it (terraform/main.tf, function_environment).
    MALLOC_ARENA_MAX: '2',
    STATE_STORE: 'firestore',
    FIRESTORE_EMULATOR_HOST: emulator.host,
    GOOGLE_CLOUD_PROJECT: project,
    TARGETS_FILE: targetsFile,
  },
  '/?target=h0&dryRun=true',
  (line) => {
    try {
      const entry = JSON.parse(line) as { pollSummary?: boolean } & (typeof summaries)[number];
      if (entry.pollSummary) summaries.push(entry);
    } catch {
      // functions-framework's own lines
    }
  },
);
const poll = async () => {
  const seen = summaries.length;
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${fn.port}/`, { method: 'POST' });
  const body = await response.text();
  // A poll that failed says why in its report.
  if (response.status !== 200) process.stderr.write(`  … ${body.slice(0, 600)}\n`);
  const ms = Math.round(performance.now() - started);
  // Its summary line, which may come after the answer.
  for (let waited = 0; summaries.length === seen && waited < 5000; waited += 20) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const store = summaries.at(-1)?.store ?? { reads: NaN, writes: NaN };
  process.stderr.write(
    `  … poll: HTTP ${response.status} in ${ms} ms, ${store.reads} reads, ${store.writes} writes\n`,
  );
  return { status: response.status, ms, ...store };
};
const peakRss = async () => {
  const status = await readFile(`/proc/${fn.child.pid ?? 0}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024);
};

const rssStarted = await peakRss();
const first = await poll();
const rssFirst = await peakRss();
const steady = [];
for (let i = 0; i < Number(values.polls); i++) steady.push(await poll());
for (let i = 0; i < 10; i++) flipped.add(i * 7);
const change = await poll();
const after = await poll();

const db = new Firestore({ projectId: project });
let largest = { id: '', bytes: 0 };
for (const collection of ['status', 'outbox']) {
  for (const doc of (await db.collection(collection).get()).docs) {
    const bytes = Buffer.byteLength(JSON.stringify(doc.data()));
    if (bytes > largest.bytes) largest = { id: `${collection}/${doc.id}`, bytes };
  }
}
const shards = (await db.collection('status').doc('targets').get()).get('shards') as number | undefined;
await db.terminate();
const rss = await peakRss();
fn.child.kill();
await Promise.all([emulator.stop(), cluster.close()]);

const ideal = (N * LATENCY) / 64;
const steadyMs = Math.max(...steady.map((p) => p.ms));
const readsBound = Math.ceil(N / 500) + 3;
say(
  `\n${N} heartbeat targets, half degraded, ${LATENCY} ms each, concurrency 64, NODE_OPTIONS ${NODE_OPTIONS} and MALLOC_ARENA_MAX=2, targets file ${compiled ? 'compiled (as deployed)' : 'YAML'}`,
);
say(
  `  cold start      bare hello ${bare} ms · poll ${pollCold} ms (${(pollCold / bare).toFixed(2)}×) · ping ${pingCold} ms (${(pingCold / bare).toFixed(2)}×)`,
);
say(
  `  first poll      HTTP ${first.status} in ${first.ms} ms · ${first.reads} reads, ${first.writes} writes`,
);
for (const [i, p] of steady.entries()) {
  say(`  steady poll ${i + 1}   HTTP ${p.status} in ${p.ms} ms · ${p.reads} reads, ${p.writes} writes`);
}
say(
  `  10 targets flip HTTP ${change.status} in ${change.ms} ms · ${change.reads} reads, ${change.writes} writes`,
);
say(
  `  steady again    HTTP ${after.status} in ${after.ms} ms · ${after.reads} reads, ${after.writes} writes`,
);
say(
  `  peak RSS        ${rss} MB (function process, VmHWM; ${rssStarted} MB once started, ${rssFirst} MB after the first poll)`,
);
say(
  `  largest doc     ${largest.id}: ${Math.round(largest.bytes / 1024)} KiB (board in ${shards ?? 1} documents)`,
);
say('  bounds');
const check = (ok: boolean, what: string) => {
  say(`    ${ok ? 'ok ' : 'NO '} ${what}`);
};
check(
  [first, ...steady, change, after].every((p) => p.status === 200),
  'every poll 200',
);
check(steadyMs <= 1.5 * ideal, `steady poll ${steadyMs} ms ≤ 1.5 × ${Math.round(ideal)} ms`);
check(rss <= 300, `peak RSS ${rss} MB ≤ 300 MB`);
check(largest.bytes <= 512 * 1024, `largest document ${Math.round(largest.bytes / 1024)} KiB ≤ 512 KiB`);
check(
  steady.every((p) => p.reads <= readsBound && p.writes === 0),
  `steady poll ≤ ${readsBound} reads and no write`,
);
check(pollCold <= 2 * bare, `poll cold start ≤ 2 × hello`);
check(pingCold <= 1.5 * bare, `ping cold start ≤ 1.5 × hello`);
process.exit(0);
