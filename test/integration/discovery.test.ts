import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetReport } from '../../functions/app/report.ts';
import { GoogleFake } from '../support/google-fake.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

const LOCATION = 'projects/acme/locations/asia-northeast1';
const stream = (id: string) => `${LOCATION}/streams/${id}`;
const states = (targets: TargetReport[]) => Object.fromEntries(targets.map((t) => [t.name, t.state]));
/** Every message's sections as a person reads them, without Slack's markup. */
const read = (slack: SlackReceiver) =>
  slack.messages.flatMap((m) =>
    m.blocks.flatMap((b) =>
      b.text?.text
        ? [
            b.text.text
              .replace(/[*`]|<[^|>]*\|[^>]*>|:[a-z_]+: /g, '')
              .replace(/ +\n/g, '\n')
              .trim(),
          ]
        : [],
    ),
  );

/** `stream: "*"`: every stream of a project and location, each its own target, against the emulator. */
describe('discovery: one line for every resource of a kind', () => {
  let google: GoogleFake;
  let slack: SlackReceiver;
  let poller: Poller;

  beforeAll(async () => {
    [google, slack] = await Promise.all([GoogleFake.start(), SlackReceiver.start()]);
    // Five streams over three pages of the list.
    for (const id of ['orders', 'users', 'items', 'carts']) google.put(stream(id), { state: 'RUNNING' });
    google.put(stream('refunds'), {
      state: 'FAILED',
      errors: [{ reason: 'BIGQUERY_UNSUPPORTED_PRIMARY_KEY_CHANGE', message: 'primary key changed' }],
    });
    google.resources.set('v1/projects/acme/instances/orders-db', { name: 'orders-db', state: 'RUNNABLE' });
    google.resources.set('v1/projects/acme/instances/users-db', { name: 'users-db', state: 'FAILED' });
    poller = await Poller.start(
      {
        GOOGLE_CLOUD_PROJECT: freshProject(),
        SLACK_WEBHOOK_URL: slack.url,
        DATASTREAM_API_URL: google.urlFor('datastream'),
        SQLADMIN_API_URL: google.urlFor('sqladmin'),
      },
      `
targets:
  - { name: streams, kind: datastream, project: acme, location: asia-northeast1, stream: "*", mention: "<!subteam^SDATA>" }
  - { name: dbs, kind: cloudsql, project: acme, instance: "*" }
`,
    );
  });

  afterAll(async () => {
    await poller.close();
    await Promise.all([google.close(), slack.close()]);
  });

  it('watches every listed resource as <name>/<id>, following every page, and alerts only the unhealthy', async () => {
    const { status, report } = await poller.poll();
    expect(status).toBe(200);
    expect(states(report.targets)).toEqual({
      streams: 'LISTED',
      'streams/orders': 'RUNNING',
      'streams/users': 'RUNNING',
      'streams/items': 'RUNNING',
      'streams/carts': 'RUNNING',
      'streams/refunds': 'FAILED',
      dbs: 'LISTED',
      'dbs/orders-db': 'RUNNABLE',
      'dbs/users-db': 'FAILED',
    });
    expect(report.targets.find((t) => t.name === 'streams')?.detail).toBe(
      '5 streams: orders, users, items, carts, refunds',
    );
    // The list gave each stream whole: one request per page, none per stream.
    expect(google.requests.filter((r) => r.path.includes('/streams/'))).toEqual([]);
    expect(slack.messages).toHaveLength(1);
    expect(read(slack)).toEqual([
      '<!subteam^SDATA> 2 targets: 2 unhealthy, 0 recovered',
      'streams/refunds (datastream) is FAILED ·\nstream errors: BIGQUERY_UNSUPPORTED_PRIMARY_KEY_CHANGE: primary key changed',
      'dbs/users-db (cloudsql) is FAILED ·',
    ]);
    const blocks = JSON.stringify(slack.messages[0]?.blocks);
    expect(blocks).toContain('<!subteam^SDATA>');
    expect(blocks).toContain('datastream/streams/locations/asia-northeast1/instances/refunds?project=acme');
    expect(blocks).toContain('sql/instances/users-db/overview?project=acme');
  });

  it('lets a resource created later join on the next poll: silently when healthy, alerted when not', async () => {
    slack.messages.length = 0;
    google.put(stream('payments'), { state: 'RUNNING' });
    google.put(stream('ledger'), { state: 'FAILED_PERMANENTLY' });
    const { report } = await poller.poll();
    expect(states(report.targets)).toMatchObject({
      'streams/payments': 'RUNNING',
      'streams/ledger': 'FAILED_PERMANENTLY',
    });
    expect(slack.messages.map((m) => m.text)).toEqual([
      '<!subteam^SDATA> streams/ledger (datastream) is FAILED_PERMANENTLY: stream projects/acme/locations/asia-northeast1/streams/ledger',
    ]);
  });

  it('reports a resource that disappears once as DELETED, then forgets it', async () => {
    slack.messages.length = 0;
    google.resources.delete(`v1/${stream('users')}`);
    google.resources.delete(`v1/${stream('ledger')}`);
    const { report } = await poller.poll();
    expect(states(report.targets)).toMatchObject({ 'streams/users': 'DELETED', 'streams/ledger': 'DELETED' });
    expect(read(slack)).toEqual([
      '<!subteam^SDATA> 2 targets: 2 unhealthy, 0 recovered',
      'streams/users (datastream) changed RUNNING → DELETED ·\ndeleted: no longer listed by streams',
      'streams/ledger (datastream) changed FAILED_PERMANENTLY → DELETED ·\ndeleted: no longer listed by streams',
    ]);

    slack.messages.length = 0;
    const next = await poller.poll();
    expect(Object.keys(states(next.report.targets))).not.toContain('streams/users');
    expect(slack.messages).toEqual([]);
    // Forgotten: a stream of the same id created again is new, and healthy, so silent.
    google.put(stream('users'), { state: 'RUNNING' });
    const again = await poller.poll();
    expect(again.report.targets.find((t) => t.name === 'streams/users')).toMatchObject({
      previousState: null,
    });
    expect(slack.messages).toEqual([]);
  });

  it('makes a failing list the discovery target’s own state, and declares nothing deleted', async () => {
    slack.messages.length = 0;
    google.lists.set(`v1/${LOCATION}/streams`, {
      httpStatus: 503,
      status: 'UNAVAILABLE',
      message: 'The service is currently unavailable.',
    });
    const { report } = await poller.poll();
    expect(states(report.targets)).toMatchObject({ streams: 'API_ERROR' });
    expect(Object.keys(states(report.targets)).filter((n) => n.startsWith('streams/'))).toEqual([]);
    expect(slack.messages.map((m) => m.text)).toEqual([
      '<!subteam^SDATA> streams (datastream) changed LISTED → API_ERROR: Datastream API answered HTTP 503 for stream projects/acme/locations/asia-northeast1/streams/*: UNAVAILABLE: The service is currently unavailable.',
    ]);

    slack.messages.length = 0;
    google.lists.clear();
    const { report: back } = await poller.poll();
    expect(states(back.targets)).toMatchObject({ streams: 'LISTED', 'streams/refunds': 'FAILED' });
    // The list recovered; the streams it kept were not re-alerted, none was declared deleted.
    expect(slack.messages.map((m) => m.text)).toEqual([
      expect.stringMatching(
        /^streams \(datastream\) recovered: LISTED \(was API_ERROR, unhealthy for \d+ms\): 6 streams: orders, items, carts, refunds, payments, users$/,
      ),
    ]);
  });
});

/** Two running streams watched with `stream: "*"`, each test with its own fakes and project. */
async function twoStreams(): Promise<{ google: GoogleFake; slack: SlackReceiver; poller: Poller }> {
  const google = await GoogleFake.start();
  const slack = await SlackReceiver.start();
  google.put(stream('orders'), { state: 'RUNNING' });
  google.put(stream('users'), { state: 'RUNNING' });
  const poller = await Poller.start(
    { GOOGLE_CLOUD_PROJECT: freshProject(), SLACK_WEBHOOK_URL: slack.url, DATASTREAM_API_URL: google.url },
    'targets:\n  - { name: streams, kind: datastream, project: acme, location: asia-northeast1, stream: "*" }\n',
  );
  return { google, slack, poller };
}

describe('discovery, held back and unpaged', () => {
  it('holds a DELETED member back while its target is silenced, and reports it once the silence ends', async () => {
    const { google, slack, poller } = await twoStreams();
    try {
      await poller.poll();
      await poller.poll('?silence=streams&for=1h');
      google.resources.delete(`v1/${stream('users')}`);
      const silenced = await poller.poll();
      expect(states(silenced.report.targets)).toMatchObject({ 'streams/users': 'DELETED' });
      expect(slack.messages).toEqual([]);
      // Still held: not reported, not forgotten.
      await poller.poll();
      expect(slack.messages).toEqual([]);

      await poller.poll('?unsilence=streams');
      expect(slack.messages.map((m) => m.text)).toEqual([
        expect.stringMatching(/^streams\/users \(datastream\) is still DELETED/),
      ]);
      slack.messages.length = 0;
      const after = await poller.poll();
      expect(Object.keys(states(after.report.targets))).toEqual(['streams', 'streams/orders']);
      expect(slack.messages).toEqual([]);
    } finally {
      await poller.close();
      await Promise.all([google.close(), slack.close()]);
    }
  });

  it('reports a deletion once when a slower poll that listed the resource before commits after it', async () => {
    const { google, slack, poller } = await twoStreams();
    try {
      await poller.poll();
      // A Scheduler retry, say: it lists both streams now, and its answer takes a while.
      google.latencyMs = 1500;
      const slow = poller.poll();
      await new Promise((resolve) => setTimeout(resolve, 300));
      google.latencyMs = 0;
      google.resources.delete(`v1/${stream('users')}`);
      await poller.poll();
      expect(slack.messages.map((m) => m.text)).toEqual([
        'streams/users (datastream) changed RUNNING → DELETED: deleted: no longer listed by streams',
      ]);
      // The slow poll saw users RUNNING before it was deleted: too old to bring it back.
      const late = await slow;
      expect(late.status).toBe(200);
      await poller.poll();
      await poller.poll();
      expect(slack.messages).toHaveLength(1);
    } finally {
      await poller.close();
      await Promise.all([google.close(), slack.close()]);
    }
  });

  it('lists GKE clusters and node pools without paging parameters, which their API refuses', async () => {
    const google = await GoogleFake.start();
    const at = 'projects/acme/locations/us-central1/clusters';
    google.resources.set(`v1/${at}/apps`, { name: 'apps', status: 'RUNNING' });
    google.resources.set(`v1/${at}/batch`, { name: 'batch', status: 'ERROR', statusMessage: 'quota' });
    google.resources.set(`v1/${at}/apps/nodePools/default`, { name: 'default', status: 'RUNNING' });
    google.resources.set(`v1/${at}/apps/nodePools/spot`, { name: 'spot', status: 'RUNNING' });
    google.resources.set(`v1/${at}/apps/nodePools/gpu`, { name: 'gpu', status: 'PROVISIONING' });
    const poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: freshProject(), CONTAINER_API_URL: google.urlFor('container') },
      `targets:
  - { name: gke, kind: gke-cluster, project: acme, location: us-central1, cluster: "*" }
  - { name: pools, kind: gke-nodepool, project: acme, location: us-central1, cluster: apps, nodePool: "*" }
`,
    );
    try {
      const { report } = await poller.poll('?dryRun=true');
      expect(states(report.targets)).toEqual({
        gke: 'LISTED',
        'gke/apps': 'RUNNING',
        'gke/batch': 'ERROR',
        pools: 'LISTED',
        'pools/default': 'RUNNING',
        'pools/spot': 'RUNNING',
        'pools/gpu': 'PROVISIONING',
      });
    } finally {
      await poller.close();
      await google.close();
    }
  });
});

describe('discovery of Dataflow jobs, by name', () => {
  it('watches the newest job of each name, whether it is running or not', async () => {
    const google = await GoogleFake.start();
    const jobs = 'v1b3/projects/acme/locations/us-central1/jobs';
    const job = (id: string, name: string, day: number, currentState: string) => {
      google.resources.set(`${jobs}/${id}`, {
        id,
        name,
        createTime: `2026-11-${day}T00:00:00Z`,
        currentState,
      });
    };
    job('2026-11-20_etl', 'etl', 20, 'JOB_STATE_FAILED');
    job('2026-11-21_etl', 'etl', 21, 'JOB_STATE_RUNNING');
    job('2026-11-19_billing', 'billing', 19, 'JOB_STATE_DONE');
    job('2026-11-21_report', 'report', 21, 'JOB_STATE_FAILED');
    const poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: freshProject(), DATAFLOW_API_URL: google.urlFor('dataflow') },
      'targets:\n  - { name: jobs, kind: dataflow, project: acme, location: us-central1, job: "*" }\n',
    );
    try {
      const { report } = await poller.poll('?dryRun=true');
      expect(Object.fromEntries(report.targets.map((t) => [t.name, [t.state, t.detail]]))).toEqual({
        jobs: ['LISTED', '3 jobs: etl, report, billing'],
        'jobs/etl': ['JOB_STATE_RUNNING', 'job 2026-11-21_etl'],
        'jobs/report': ['JOB_STATE_FAILED', 'job 2026-11-21_report'],
        'jobs/billing': ['JOB_STATE_DONE', 'job 2026-11-19_billing'],
      });
      // Every job there is, running or not.
      expect(google.requests.find((r) => r.path === jobs)?.query.get('filter')).toBe('ALL');
    } finally {
      await poller.close();
      await google.close();
    }
  });
});

/** A kind whose list is not the resource: each workflow listed, then its newest execution read. */
describe('discovery of workflows, each read by its newest execution', () => {
  it('lists through the Workflows API and reads each member through Workflow Executions', async () => {
    const google = await GoogleFake.start();
    const at = 'projects/acme/locations/us-central1/workflows';
    for (const id of ['load', 'export', 'never-ran']) google.put(`${at}/${id}`, { state: 'ACTIVE' });
    google.put(`${at}/load/executions/e2`, { state: 'SUCCEEDED', startTime: '2026-11-22T02:00:00Z' });
    google.put(`${at}/export/executions/e9`, {
      state: 'FAILED',
      startTime: '2026-11-22T03:00:00Z',
      error: { payload: '{"code":403}', context: 'in step "upload"' },
    });
    const poller = await Poller.start(
      {
        GOOGLE_CLOUD_PROJECT: freshProject(),
        WORKFLOWS_API_URL: google.urlFor('workflows'),
        WORKFLOWEXECUTIONS_API_URL: google.urlFor('workflowexecutions'),
      },
      'targets:\n  - { name: flows, kind: workflow, project: acme, location: us-central1, workflow: "*" }\n',
    );
    try {
      const { report } = await poller.poll('?dryRun=true');
      expect(Object.fromEntries(report.targets.map((t) => [t.name, [t.state, t.detail]]))).toEqual({
        flows: ['LISTED', '3 workflows: load, export, never-ran'],
        'flows/load': ['SUCCEEDED', 'execution e2 started 2026-11-22T02:00:00Z'],
        'flows/export': [
          'FAILED',
          'execution e9 started 2026-11-22T03:00:00Z; {"code":403}; in step "upload"',
        ],
        'flows/never-ran': ['NO_EXECUTIONS', 'workflow never-ran has not run yet'],
      });
    } finally {
      await poller.close();
      await google.close();
    }
  });
});

describe('a discovery list that cannot be trusted whole', () => {
  let google: GoogleFake;
  let poller: Poller;
  const sql = 'v1/projects/acme/instances';

  beforeAll(async () => {
    google = await GoogleFake.start();
    google.maxPageSize = 1000;
    google.resources.set(`${sql}/a`, { name: 'a', state: 'RUNNABLE' });
    google.resources.set(`${sql}/b`, { name: 'b', state: 'RUNNABLE' });
    google.resources.set('v1/projects/acme/locations/us-central1/instances/cache', {
      name: 'projects/acme/locations/us-central1/instances/cache',
      state: 'READY',
    });
    poller = await Poller.start(
      {
        GOOGLE_CLOUD_PROJECT: freshProject(),
        SQLADMIN_API_URL: google.urlFor('sqladmin'),
        REDIS_API_URL: google.urlFor('redis'),
      },
      `targets:
  - { name: dbs, kind: cloudsql, project: acme, instance: "*" }
  - { name: caches, kind: redis, project: acme, location: us-central1, instance: "*" }
`,
    );
    await poller.poll();
  });

  afterAll(async () => {
    await poller.close();
    await google.close();
  });

  it.each([
    [
      'a region it could not reach',
      { instances: [], unreachable: ['projects/acme/locations/us-central1'] },
      'could not list everything',
    ],
    ['a resource without a name', { instances: [{ state: 'READY' }] }, 'a listed resource has no name'],
    [
      'the same id twice',
      {
        instances: [
          { name: 'x/cache', state: 'READY' },
          { name: 'y/cache', state: 'READY' },
        ],
      },
      '"cache" is listed twice',
    ],
  ])('fails on %s, keeping its members, none declared DELETED', async (_, answer, why) => {
    google.lists.set('v1/projects/acme/locations/us-central1/instances', answer);
    const { report } = await poller.poll();
    const caches = report.targets.filter((t) => t.name.startsWith('caches'));
    expect(caches.map((t) => [t.name, t.state])).toEqual([['caches', 'API_ERROR']]);
    expect(caches[0]?.detail).toContain(why);
    google.lists.clear();
    const { report: back } = await poller.poll();
    expect(back.targets.find((t) => t.name === 'caches/cache')).toMatchObject({
      state: 'READY',
      changed: false,
    });
  });

  it('fails past 500 resources rather than outgrow the state document', async () => {
    for (let i = 0; i < 500; i++)
      google.resources.set(`${sql}/db${i}`, { name: `db${i}`, state: 'RUNNABLE' });
    const { report } = await poller.poll('?target=dbs');
    expect(report.targets.map((t) => [t.name, t.state])).toEqual([['dbs', 'API_ERROR']]);
    expect(report.targets[0]?.detail).toContain('502 listed, more than the 500 one target watches');
  });
});
