/**
 * How long a poll of N targets of every kind takes next to N heartbeat targets, each answer taking
 * the same time: a Google preset must cost no more than a heartbeat, and discovery one request
 * per page. Observes only (no store, no Slack), at the default concurrency.
 * Run: node scripts/measure-kinds.ts [targets=300] [latencyMs=200] [concurrency=64]
 */
import { observeAll } from '../functions/checks/observe-all.ts';
import { parseConfig } from '../functions/config/parse.ts';
import { googleApis } from '../functions/runtime/google-apis.ts';
import { MemoryStateStore } from '../functions/store/memory.ts';
import { healthyCluster } from '../test/support/cluster-server.ts';
import { listen } from '../test/support/http-server.ts';
import { GoogleFake } from '../test/support/google-fake.ts';

const count = Number(process.argv[2] ?? 300);
const latency = Number(process.argv[3] ?? 200);
const concurrency = Number(process.argv[4] ?? 64);
const L = 'projects/acme/locations/us-central1';

/** One line of YAML per kind, `#` standing for the target's number, and the resource it reads. */
const KINDS: [yaml: string, path: string, resource: Record<string, unknown>][] = [
  [
    'kind: datastream, project: acme, location: us-central1, stream: s#',
    `v1/${L}/streams/s#`,
    { state: 'RUNNING' },
  ],
  ['kind: cloudsql, project: acme, instance: db#', 'v1/projects/acme/instances/db#', { state: 'RUNNABLE' }],
  [
    'kind: dataflow, project: acme, location: us-central1, job: j#',
    `v1b3/${L}/jobs/#`,
    { id: '#', name: 'j#', currentState: 'JOB_STATE_RUNNING' },
  ],
  [
    'kind: composer, project: acme, location: us-central1, environment: e#',
    `v1/${L}/environments/e#`,
    { state: 'RUNNING' },
  ],
  [
    'kind: gke-cluster, project: acme, location: us-central1, cluster: c#',
    `v1/${L}/clusters/c#`,
    { status: 'RUNNING' },
  ],
  [
    'kind: gke-nodepool, project: acme, location: us-central1, cluster: c, nodePool: p#',
    `v1/${L}/clusters/c/nodePools/p#`,
    { status: 'RUNNING' },
  ],
  [
    'kind: dataproc, project: acme, region: us-central1, cluster: d#',
    'v1/projects/acme/regions/us-central1/clusters/d#',
    { status: { state: 'RUNNING' } },
  ],
  [
    'kind: redis, project: acme, location: us-central1, instance: r#',
    `v1/${L}/instances/r#`,
    { state: 'READY' },
  ],
  [
    'kind: cloud-run, project: acme, location: us-central1, service: s#',
    `v2/${L}/services/s#`,
    { terminalCondition: { state: 'CONDITION_SUCCEEDED' } },
  ],
  [
    'kind: cloud-function, project: acme, location: us-central1, function: f#',
    `v2/${L}/functions/f#`,
    { state: 'ACTIVE' },
  ],
  [
    'kind: compute-instance, project: acme, zone: us-central1-a, instance: vm#',
    'compute/v1/projects/acme/zones/us-central1-a/instances/vm#',
    { status: 'RUNNING' },
  ],
  ['kind: spanner, project: acme, instance: sp#', 'v1/projects/acme/instances/sp#', { state: 'READY' }],
  [
    'kind: alloydb, project: acme, location: us-central1, cluster: a#',
    `v1/${L}/clusters/a#`,
    { state: 'READY' },
  ],
  [
    'kind: pubsub-subscription, project: acme, subscription: sub#',
    'v1/projects/acme/subscriptions/sub#',
    { state: 'ACTIVE' },
  ],
  [
    'kind: scheduler-job, project: acme, location: us-central1, job: sj#',
    `v1/${L}/jobs/sj#`,
    { state: 'ENABLED' },
  ],
  [
    'kind: workflow, project: acme, location: us-central1, workflow: w#',
    `v1/${L}/workflows/w#/executions/x`,
    { state: 'SUCCEEDED' },
  ],
  [
    'kind: bq-transfer, project: acme, location: us, config: t#',
    'v1/projects/acme/locations/us/transferConfigs/t#',
    { state: 'SUCCEEDED' },
  ],
  [
    'kind: gcp-resource, url: "https://alloydb.googleapis.com/v1/projects/acme/locations/us-central1/clusters/g#", allowedStates: [READY]',
    `v1/${L}/clusters/g#`,
    { state: 'READY' },
  ],
];

const google = await GoogleFake.start();
google.latencyMs = latency;
const body = JSON.stringify(healthyCluster());
const cluster = await listen((_, res) => {
  setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(body), latency);
});
const services = [
  'datastream',
  'sqladmin',
  'dataflow',
  'composer',
  'container',
  'dataproc',
  'redis',
  'run',
  'cloudfunctions',
  'compute',
  'spanner',
  'alloydb',
  'pubsub',
  'cloudscheduler',
  'workflowexecutions',
  'bigquerydatatransfer',
];
const env = Object.fromEntries(services.map((s) => [`${s.toUpperCase()}_API_URL`, google.urlFor(s)]));

const mixed = Array.from({ length: count }, (_, i) => {
  const [yaml, path, resource] = KINDS[i % KINDS.length] as (typeof KINDS)[number];
  google.resources.set(
    path.replaceAll('#', String(i)),
    JSON.parse(JSON.stringify(resource).replaceAll('#', String(i))) as Record<string, unknown>,
  );
  return `  - { name: t${i}, ${yaml.replaceAll('#', String(i))} }`;
});
const heartbeats = Array.from(
  { length: count },
  (_, i) =>
    `  - { name: h${i}, kind: cluster-heartbeat, url: "${cluster.url}/heartbeat?cluster=true&n=${i}" }`,
);

async function measure(label: string, lines: string[]): Promise<void> {
  const { targets } = parseConfig(`targets:\n${lines.join('\n')}`, label);
  const context = { store: new MemoryStateStore(), now: new Date(), tidy: false, google: googleApis(env) };
  for (const run of ['first', 'second']) {
    const started = performance.now();
    const observed = await observeAll(targets, concurrency, context);
    const elapsed = Math.round(performance.now() - started);
    const unhealthy = observed.filter(
      (o) => !o.target.allowedStates.includes(o.observation.state) && o.observation.state !== 'LISTED',
    );
    console.log(
      `${label} (${run} run): ${count} targets in ${elapsed} ms at concurrency ${concurrency}, ${latency} ms per answer; ${unhealthy.length} unhealthy${unhealthy[0] ? ` (e.g. ${unhealthy[0].target.name}: ${unhealthy[0].observation.state} ${unhealthy[0].observation.detail})` : ''}`,
    );
  }
}

await measure('heartbeats only', heartbeats);
await measure(`every kind (${KINDS.length} kinds)`, mixed);
// One line for every stream: pages of 100, the streams read from the list, none asked again.
google.maxPageSize = 100;
for (let i = 0; i < count; i++)
  google.resources.set(`v1/projects/big/locations/us-central1/streams/s${i}`, {
    name: `projects/big/locations/us-central1/streams/s${i}`,
    state: 'RUNNING',
  });
const before = google.requests.length;
await measure('one discovery target', [
  '  - { name: all, kind: datastream, project: big, location: us-central1, stream: "*" }',
]);
console.log(`  ${(google.requests.length - before) / 2} requests per poll for ${count} streams`);
await Promise.all([google.close(), cluster.close()]);
