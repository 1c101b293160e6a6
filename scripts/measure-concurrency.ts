/**
 * How long a poll of N heartbeat targets takes at each concurrency, against a local server that
 * answers after a realistic delay. This is how the default `concurrency` was chosen.
 * Run: node scripts/measure-concurrency.ts [targets=300] [latencyMs=200]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { observeAll } from '../functions/checks/observe-all.ts';
import { parseConfig } from '../functions/config/parse.ts';
import { googleApis } from '../functions/runtime/google-apis.ts';
import { MemoryStateStore } from '../functions/store/memory.ts';

const count = Number(process.argv[2] ?? 300);
const latency = Number(process.argv[3] ?? 200);
const body = JSON.stringify({
  APIGW: [{ hostname: 'apigw-0', outofservice: false, database: true, memorystore: true }],
});
const server = createServer((_, res) => {
  setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(body), latency);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
const yaml = `targets:\n${Array.from(
  { length: count },
  (_, i) =>
    `  - { name: t${i}, kind: cluster-heartbeat, url: "http://127.0.0.1:${port}/heartbeat?cluster=true&n=${i}" }`,
).join('\n')}`;
const { targets } = parseConfig(yaml, 'generated');
const shared = { store: new MemoryStateStore(), now: new Date(), tidy: false, google: googleApis({}) };

for (const concurrency of [8, 16, 32, 64, 128, 256]) {
  const started = performance.now();
  const results = await observeAll(targets, concurrency, shared);
  const elapsed = Math.round(performance.now() - started);
  const healthy = results.filter((r) => r.observation.state === 'HEALTHY').length;
  const rss = Math.round(process.memoryUsage().rss / 1024 / 1024);
  console.log(
    `concurrency ${concurrency}: ${count} targets in ${elapsed} ms (${healthy} healthy, rss ${rss} MiB)`,
  );
}
server.close();
