/**
 * Cold start: how long from spawning functions-framework (the built function, as Cloud Run starts
 * it) to the first answered request, for `poll` (a dry run) and `ping`, and for the local
 * all-in-one of `npm start` (TypeScript, no build), median of several runs.
 * States in memory, targets that need no network: what is measured is loading, not checking.
 * Run: npm run build && node scripts/measure-cold-start.ts [runs=5]
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileFile } from '../functions/config/compiled.ts';

const runs = Number(process.argv[2] ?? 5);
const KEY = 'k3y-0123456789abcdef';
const dir = await mkdtemp(join(tmpdir(), 'cold-start-'));
const TARGETS =
  'targets:\n  - { name: c, kind: cluster-heartbeat, url: "http://127.0.0.1:9/h", timeout: 1s }\n' +
  '  - { name: backup, kind: push, every: 1d }\n';
// The build reads its file compiled, as `npm run package` ships it; `npm start` reads the YAML.
const deployed = join(dir, 'deployed.yaml');
const local = join(dir, 'local.yaml');
await writeFile(deployed, TARGETS);
await writeFile(local, TARGETS);
await compileFile(deployed);

async function firstAnswer(target: string, path: string, port: number): Promise<number> {
  const started = performance.now();
  // `all` is `npm start`: the TypeScript run as it is; the others are the build, as Cloud Run runs it.
  const source = target === 'all' ? ['--source=functions/runtime/all-in-one.ts'] : [];
  const child = spawn('functions-framework', [`--target=${target}`, '--signature-type=http', ...source], {
    env: {
      ...process.env,
      PORT: String(port),
      STATE_STORE: 'memory',
      POLL_EVERY: 'off',
      PING_KEY: KEY,
      TARGETS_FILE: target === 'all' ? local : deployed,
    },
    stdio: 'ignore',
  });
  try {
    for (;;) {
      try {
        await (await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST' })).text();
        return performance.now() - started;
      } catch {
        // Not listening yet.
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  } finally {
    child.kill();
  }
}

for (const [target, path] of [
  ['poll', '/?dryRun=true'],
  ['ping', `/${KEY}/backup`],
  ['all', '/?dryRun=true'],
] as const) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(Math.round(await firstAnswer(target, path, 19_000 + i)));
  times.sort((a, b) => a - b);
  console.log(
    `${target}: first answer ${times[Math.floor(times.length / 2)] ?? NaN} ms after spawn (median of ${runs}: ${times.join(', ')})`,
  );
}
