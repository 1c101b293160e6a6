import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TargetReport } from '../../functions/app/report.ts';
import { GoogleFake, type FakeResource } from '../support/google-fake.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

/**
 * One row per preset: where its check reads (the first GET), a healthy and an unhealthy answer in
 * the shape of Google's v1 resource, what the unhealthy one reports, and its console page.
 */
interface Preset {
  kind: string;
  service: string;
  keys: string;
  /** The path the check GETs first; failures are served there. */
  read: string;
  /** Stores the resource as healthy, or as unhealthy. */
  healthy: (fake: GoogleFake) => void;
  unhealthy: (fake: GoogleFake) => void;
  state: string;
  detail: string;
  console: string;
}

const L = 'projects/acme/locations/us-central1';
const job = (id: string, name: string, createTime: string, currentState: string) => ({
  id,
  name,
  projectId: 'acme',
  location: 'us-central1',
  createTime,
  currentState,
  type: 'JOB_TYPE_STREAMING',
});

const PRESETS: Preset[] = [
  {
    kind: 'cloudsql',
    service: 'sqladmin',
    keys: 'instance: orders-db',
    read: 'v1/projects/acme/instances/orders-db',
    healthy: (f) =>
      f.resources.set('v1/projects/acme/instances/orders-db', { name: 'orders-db', state: 'RUNNABLE' }),
    unhealthy: (f) =>
      f.resources.set('v1/projects/acme/instances/orders-db', {
        name: 'orders-db',
        state: 'SUSPENDED',
        suspensionReason: ['BILLING_ISSUE'],
      }),
    state: 'SUSPENDED',
    detail: 'suspended: BILLING_ISSUE',
    console: 'https://console.cloud.google.com/sql/instances/orders-db/overview?project=acme',
  },
  {
    kind: 'dataflow',
    service: 'dataflow',
    keys: 'location: us-central1, job: orders-etl',
    read: `v1b3/${L}/jobs`,
    healthy: (f) => {
      f.resources.set(
        `v1b3/${L}/jobs/2026-11-01_old`,
        job('2026-11-01_old', 'orders-etl', '2026-11-01T00:00:00Z', 'JOB_STATE_FAILED'),
      );
      f.resources.set(
        `v1b3/${L}/jobs/2026-11-20_new`,
        job('2026-11-20_new', 'orders-etl', '2026-11-20T00:00:00Z', 'JOB_STATE_RUNNING'),
      );
      f.resources.set(
        `v1b3/${L}/jobs/2026-11-21_other`,
        job('2026-11-21_other', 'billing', '2026-11-21T00:00:00Z', 'JOB_STATE_FAILED'),
      );
    },
    unhealthy: (f) => {
      f.resources.set(
        `v1b3/${L}/jobs/2026-11-20_new`,
        job('2026-11-20_new', 'orders-etl', '2026-11-20T00:00:00Z', 'JOB_STATE_FAILED'),
      );
      f.resources.set(`v1b3/${L}/jobs/2026-11-20_new/messages`, {
        jobMessages: [
          {
            time: '2026-11-20T01:00:00Z',
            messageText: 'Workflow failed. Causes: S01 OOM',
            messageImportance: 'JOB_MESSAGE_ERROR',
          },
        ],
      });
    },
    state: 'JOB_STATE_FAILED',
    detail: 'job 2026-11-20_new; JOB_TYPE_STREAMING; Workflow failed. Causes: S01 OOM',
    console: 'https://console.cloud.google.com/dataflow/jobs?project=acme',
  },
  {
    kind: 'composer',
    service: 'composer',
    keys: 'location: us-central1, environment: airflow',
    read: `v1/${L}/environments/airflow`,
    healthy: (f) => {
      f.put(`${L}/environments/airflow`, { state: 'RUNNING' });
    },
    unhealthy: (f) => {
      f.put(`${L}/environments/airflow`, {
        state: 'ERROR',
        config: { softwareConfig: { imageVersion: 'composer-2.9.7-airflow-2.9.3' } },
      });
    },
    state: 'ERROR',
    detail: 'composer-2.9.7-airflow-2.9.3',
    console:
      'https://console.cloud.google.com/composer/environments/detail/us-central1/airflow/monitoring?project=acme',
  },
  {
    kind: 'gke-cluster',
    service: 'container',
    keys: 'location: us-central1, cluster: apps',
    read: `v1/${L}/clusters/apps`,
    healthy: (f) => f.resources.set(`v1/${L}/clusters/apps`, { name: 'apps', status: 'RUNNING' }),
    unhealthy: (f) =>
      f.resources.set(`v1/${L}/clusters/apps`, {
        name: 'apps',
        status: 'DEGRADED',
        conditions: [
          {
            code: 'GCE_QUOTA_EXCEEDED',
            message: 'Insufficient regional quota: CPUS',
            canonicalCode: 'RESOURCE_EXHAUSTED',
          },
        ],
      }),
    state: 'DEGRADED',
    detail: 'RESOURCE_EXHAUSTED: Insufficient regional quota: CPUS',
    console:
      'https://console.cloud.google.com/kubernetes/clusters/details/us-central1/apps/details?project=acme',
  },
  {
    kind: 'gke-nodepool',
    service: 'container',
    keys: 'location: us-central1, cluster: apps, nodePool: batch',
    read: `v1/${L}/clusters/apps/nodePools/batch`,
    healthy: (f) =>
      f.resources.set(`v1/${L}/clusters/apps/nodePools/batch`, { name: 'batch', status: 'RUNNING' }),
    unhealthy: (f) =>
      f.resources.set(`v1/${L}/clusters/apps/nodePools/batch`, {
        name: 'batch',
        status: 'RUNNING_WITH_ERROR',
        statusMessage: 'Node pool has nodes that failed to register',
      }),
    state: 'RUNNING_WITH_ERROR',
    detail: 'Node pool has nodes that failed to register',
    console: 'https://console.cloud.google.com/kubernetes/nodepool/us-central1/apps/batch?project=acme',
  },
  {
    kind: 'dataproc',
    service: 'dataproc',
    keys: 'region: us-central1, cluster: spark',
    read: 'v1/projects/acme/regions/us-central1/clusters/spark',
    healthy: (f) =>
      f.resources.set('v1/projects/acme/regions/us-central1/clusters/spark', {
        clusterName: 'spark',
        status: { state: 'RUNNING' },
      }),
    unhealthy: (f) =>
      f.resources.set('v1/projects/acme/regions/us-central1/clusters/spark', {
        clusterName: 'spark',
        status: { state: 'ERROR', detail: 'Initialization action failed', substate: 'UNHEALTHY' },
      }),
    state: 'ERROR',
    detail: 'Initialization action failed; UNHEALTHY',
    console:
      'https://console.cloud.google.com/dataproc/clusters/spark/monitoring?region=us-central1&project=acme',
  },
  {
    kind: 'redis',
    service: 'redis',
    keys: 'location: us-central1, instance: cache',
    read: `v1/${L}/instances/cache`,
    healthy: (f) => {
      f.put(`${L}/instances/cache`, { state: 'READY' });
    },
    unhealthy: (f) => {
      f.put(`${L}/instances/cache`, { state: 'REPAIRING', statusMessage: 'Repairing the primary node' });
    },
    state: 'REPAIRING',
    detail: 'Repairing the primary node',
    console:
      'https://console.cloud.google.com/memorystore/redis/locations/us-central1/instances/cache/details/overview?project=acme',
  },
  {
    kind: 'cloud-run',
    service: 'run',
    keys: 'location: us-central1, service: api',
    read: `v2/${L}/services/api`,
    healthy: (f) => {
      f.put(
        `${L}/services/api`,
        { terminalCondition: { type: 'Ready', state: 'CONDITION_SUCCEEDED' } },
        'v2',
      );
    },
    unhealthy: (f) => {
      f.put(
        `${L}/services/api`,
        {
          reconciling: true,
          terminalCondition: {
            type: 'Ready',
            state: 'CONDITION_FAILED',
            reason: 'CONTAINER_MISSING',
            message: "Image 'gcr.io/acme/api:v2' not found.",
          },
        },
        'v2',
      );
    },
    state: 'CONDITION_FAILED',
    detail: "reconciling; CONTAINER_MISSING; Image 'gcr.io/acme/api:v2' not found.",
    console: 'https://console.cloud.google.com/run/detail/us-central1/api/metrics?project=acme',
  },
  {
    kind: 'cloud-function',
    service: 'cloudfunctions',
    keys: 'location: us-central1, function: on-upload',
    read: `v2/${L}/functions/on-upload`,
    healthy: (f) => {
      f.put(`${L}/functions/on-upload`, { state: 'ACTIVE' }, 'v2');
    },
    unhealthy: (f) => {
      f.put(
        `${L}/functions/on-upload`,
        {
          state: 'FAILED',
          stateMessages: [
            { severity: 'ERROR', type: 'BuildFailed', message: 'npm ERR! missing script: build' },
          ],
        },
        'v2',
      );
    },
    state: 'FAILED',
    detail: 'ERROR BuildFailed: npm ERR! missing script: build',
    console: 'https://console.cloud.google.com/functions/details/us-central1/on-upload?project=acme',
  },
  {
    kind: 'compute-instance',
    service: 'compute',
    keys: 'zone: us-central1-a, instance: bastion',
    read: 'compute/v1/projects/acme/zones/us-central1-a/instances/bastion',
    healthy: (f) =>
      f.resources.set('compute/v1/projects/acme/zones/us-central1-a/instances/bastion', {
        name: 'bastion',
        id: '8123',
        status: 'RUNNING',
      }),
    unhealthy: (f) =>
      f.resources.set('compute/v1/projects/acme/zones/us-central1-a/instances/bastion', {
        name: 'bastion',
        id: '8123',
        status: 'TERMINATED',
        statusMessage: 'Instance was preempted',
        machineType:
          'https://www.googleapis.com/compute/v1/projects/acme/zones/us-central1-a/machineTypes/e2-small',
      }),
    state: 'TERMINATED',
    detail: 'Instance was preempted; e2-small',
    console:
      'https://console.cloud.google.com/compute/instancesDetail/zones/us-central1-a/instances/bastion?project=acme',
  },
  {
    kind: 'spanner',
    service: 'spanner',
    keys: 'instance: ledger',
    read: 'v1/projects/acme/instances/ledger',
    healthy: (f) => {
      f.put('projects/acme/instances/ledger', { state: 'READY', processingUnits: 100 });
    },
    unhealthy: (f) => {
      f.put('projects/acme/instances/ledger', {
        state: 'CREATING',
        config: 'projects/acme/instanceConfigs/regional-us-central1',
      });
    },
    state: 'CREATING',
    detail: 'regional-us-central1',
    console: 'https://console.cloud.google.com/spanner/instances/ledger/details/databases?project=acme',
  },
  {
    kind: 'alloydb',
    service: 'alloydb',
    keys: 'location: us-central1, cluster: main, instance: primary',
    read: `v1/${L}/clusters/main/instances/primary`,
    healthy: (f) => {
      f.put(`${L}/clusters/main/instances/primary`, { state: 'READY', instanceType: 'PRIMARY' });
    },
    unhealthy: (f) => {
      f.put(`${L}/clusters/main/instances/primary`, {
        state: 'MAINTENANCE',
        reconciling: true,
        instanceType: 'PRIMARY',
      });
    },
    state: 'MAINTENANCE',
    detail: 'reconciling; PRIMARY',
    console:
      'https://console.cloud.google.com/alloydb/locations/us-central1/clusters/main/overview?project=acme',
  },
  {
    kind: 'pubsub-subscription',
    service: 'pubsub',
    keys: 'subscription: orders-to-bq',
    read: 'v1/projects/acme/subscriptions/orders-to-bq',
    healthy: (f) => {
      f.put('projects/acme/subscriptions/orders-to-bq', {
        topic: 'projects/acme/topics/orders',
        state: 'ACTIVE',
        bigqueryConfig: { table: 'acme.sales.orders', state: 'ACTIVE' },
      });
    },
    unhealthy: (f) => {
      f.put('projects/acme/subscriptions/orders-to-bq', {
        topic: 'projects/acme/topics/orders',
        state: 'RESOURCE_ERROR',
        bigqueryConfig: { table: 'acme.sales.orders', state: 'SCHEMA_MISMATCH' },
      });
    },
    state: 'BIGQUERY_SCHEMA_MISMATCH',
    detail: 'bigqueryConfig.state SCHEMA_MISMATCH; topic projects/acme/topics/orders',
    console: 'https://console.cloud.google.com/cloudpubsub/subscription/detail/orders-to-bq?project=acme',
  },
  {
    kind: 'scheduler-job',
    service: 'cloudscheduler',
    keys: 'location: us-central1, job: nightly',
    read: `v1/${L}/jobs/nightly`,
    healthy: (f) => {
      f.put(`${L}/jobs/nightly`, { state: 'ENABLED', schedule: '0 3 * * *', status: {} });
    },
    unhealthy: (f) => {
      f.put(`${L}/jobs/nightly`, {
        state: 'ENABLED',
        schedule: '0 3 * * *',
        lastAttemptTime: '2026-11-22T03:00:05Z',
        status: { code: 13, message: 'HTTP 500 from https://jobs.acme.example/nightly' },
      });
    },
    state: 'LAST_ATTEMPT_FAILED',
    detail:
      'last attempt 2026-11-22T03:00:05Z failed with code 13; HTTP 500 from https://jobs.acme.example/nightly; schedule 0 3 * * *',
    console: 'https://console.cloud.google.com/cloudscheduler/jobs/edit/us-central1/nightly?project=acme',
  },
  {
    kind: 'workflow',
    service: 'workflowexecutions',
    keys: 'location: us-central1, workflow: load',
    read: `v1/${L}/workflows/load/executions`,
    // Executions are listed newest first: the fake lists in the order they were set.
    healthy: (f) => {
      f.resources.delete(`v1/${L}/workflows/load/executions/e1`);
      f.put(`${L}/workflows/load/executions/e2`, { state: 'SUCCEEDED', startTime: '2026-11-22T02:00:00Z' });
      f.put(`${L}/workflows/load/executions/e1`, { state: 'FAILED', startTime: '2026-11-21T02:00:00Z' });
    },
    unhealthy: (f) => {
      f.resources.clear();
      f.put(`${L}/workflows/load/executions/e3`, {
        state: 'FAILED',
        startTime: '2026-11-22T04:00:00Z',
        endTime: '2026-11-22T04:00:09Z',
        error: {
          payload: '{"message":"HTTP server responded with error code 503"}',
          context: 'in step "load"',
        },
      });
    },
    state: 'FAILED',
    detail:
      'execution e3 started 2026-11-22T04:00:00Z, ended 2026-11-22T04:00:09Z; {"message":"HTTP server responded with error code 503"}; in step "load"',
    console: 'https://console.cloud.google.com/workflows/workflow/us-central1/load/executions?project=acme',
  },
  {
    kind: 'bq-transfer',
    service: 'bigquerydatatransfer',
    keys: 'location: us, config: 6a3f0c1e-0000-2b1c-9d3a-001a114e5c2e',
    read: 'v1/projects/acme/locations/us/transferConfigs/6a3f0c1e-0000-2b1c-9d3a-001a114e5c2e',
    healthy: (f) => {
      f.put('projects/acme/locations/us/transferConfigs/6a3f0c1e-0000-2b1c-9d3a-001a114e5c2e', {
        displayName: 'ads daily',
        dataSourceId: 'google_ads',
        state: 'SUCCEEDED',
      });
    },
    unhealthy: (f) => {
      const config = 'projects/acme/locations/us/transferConfigs/6a3f0c1e-0000-2b1c-9d3a-001a114e5c2e';
      f.put(config, { displayName: 'ads daily', dataSourceId: 'google_ads', state: 'FAILED' });
      f.put(`${config}/runs/r1`, {
        state: 'FAILED',
        runTime: '2026-11-20T00:00:00Z',
        errorStatus: { code: 7, message: 'old' },
      });
      f.put(`${config}/runs/r2`, {
        state: 'FAILED',
        runTime: '2026-11-21T00:00:00Z',
        errorStatus: { code: 7, message: 'Access Denied: BigQuery BigQuery: Permission denied' },
      });
    },
    state: 'FAILED',
    detail:
      'run of 2026-11-21T00:00:00Z failed: Access Denied: BigQuery BigQuery: Permission denied; ads daily (google_ads)',
    console:
      'https://console.cloud.google.com/bigquery/transfers/locations/us/configs/6a3f0c1e-0000-2b1c-9d3a-001a114e5c2e/runs?project=acme',
  },
];

/** Each preset against one local Google REST fake per preset (so paths of two APIs never meet). */
describe.each(PRESETS)('the $kind preset, against a local Google REST fake', (preset) => {
  let google: GoogleFake;
  let slack: SlackReceiver;
  let poller: Poller;
  const byName = (targets: TargetReport[]) => Object.fromEntries(targets.map((t) => [t.name, t]));

  beforeAll(async () => {
    [google, slack] = await Promise.all([GoogleFake.start(), SlackReceiver.start()]);
    const failures = ['404', '403', '500', 'timeout'];
    await Promise.all(
      failures.map(async (failure) => {
        const fake = await GoogleFake.start();
        serveFailure(fake, preset.read, failure);
        failureFakes.push(fake);
      }),
    );
    preset.healthy(google);
    // A fake per failure: the same resource read through four services is four target files' worth.
    poller = await Poller.start(
      {
        GOOGLE_CLOUD_PROJECT: freshProject(),
        SLACK_WEBHOOK_URL: slack.url,
        [`${preset.service.toUpperCase()}_API_URL`]: google.urlFor(preset.service),
      },
      `targets:\n  - { name: it, kind: ${preset.kind}, project: acme, ${preset.keys} }\n`,
    );
    failurePollers = await Promise.all(
      failureFakes.map((fake, i) =>
        Poller.start(
          {
            GOOGLE_CLOUD_PROJECT: freshProject(),
            [`${preset.service.toUpperCase()}_API_URL`]: fake.urlFor(preset.service),
          },
          `targets:\n  - { name: '${failures[i] ?? ''}', kind: ${preset.kind}, project: acme, ${preset.keys}, timeout: 300ms }\n`,
        ),
      ),
    );
  });
  const failureFakes: GoogleFake[] = [];
  let failurePollers: Poller[] = [];

  afterAll(async () => {
    await Promise.all([poller.close(), ...failurePollers.map((p) => p.close())]);
    await Promise.all([google.close(), slack.close(), ...failureFakes.map((f) => f.close())]);
  });

  it('reports the healthy state silently, then alerts the unhealthy one with its detail and console link', async () => {
    const first = await poller.poll();
    expect(first.status).toBe(200);
    expect(byName(first.report.targets)['it']).toMatchObject({ healthy: true });
    expect(slack.messages).toEqual([]);

    preset.unhealthy(google);
    const { report } = await poller.poll();
    expect(byName(report.targets)['it']).toMatchObject({
      state: preset.state,
      healthy: false,
      detail: preset.detail,
    });
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]?.text).toContain(`it (${preset.kind}) changed`);
    expect(JSON.stringify(slack.messages[0]?.blocks)).toContain(
      `<${preset.console}|Open in the Cloud console>`,
    );
    // <SERVICE>_API_URL gets no credentials.
    expect(google.requests.every((r) => r.authorization === undefined)).toBe(true);
  });

  it('reports 404, 403, 500 and a timeout as states, naming the role to grant on a 403', async () => {
    const seen = await Promise.all(
      failurePollers.map(async (p) => (await p.poll('?dryRun=true')).report.targets[0]),
    );
    expect(seen.map((t) => [t?.name, t?.state])).toEqual([
      ['404', 'NOT_FOUND'],
      ['403', 'PERMISSION_DENIED'],
      ['500', 'API_ERROR'],
      ['timeout', 'UNREACHABLE'],
    ]);
    expect(seen[1]?.detail).toMatch(/grant roles\/[a-z.A-Z]+ to the poller's service account/);
    expect(seen[2]?.detail).toContain('answered HTTP 500');
    expect(seen[3]?.detail).toContain('timed out after 300ms');
  });
});

/** Google's error body at `path`, or no answer at all. */
function serveFailure(fake: GoogleFake, path: string, failure: string): void {
  const errors: Record<string, FakeResource> = {
    '404': { httpStatus: 404, status: 'NOT_FOUND', message: `Resource '${path}' was not found` },
    '403': { httpStatus: 403, status: 'PERMISSION_DENIED', message: 'The caller does not have permission' },
    '500': { httpStatus: 500, status: 'INTERNAL', message: 'Internal error encountered.' },
    timeout: { hang: true },
  };
  fake.resources.set(path, errors[failure] ?? { hang: true });
}

describe('what only adds to a detail', () => {
  it('leaves the resource’s own state standing when it cannot be read', async () => {
    const google = await GoogleFake.start();
    const config = 'projects/acme/locations/us/transferConfigs/c1';
    google.put(`${L}/jobs/j1`, { ...job('j1', 'etl', '2026-11-20T00:00:00Z', 'JOB_STATE_FAILED') }, 'v1b3');
    google.resources.set(`v1b3/${L}/jobs/j1/messages`, {
      httpStatus: 503,
      status: 'UNAVAILABLE',
      message: 'try later',
    });
    google.put(config, { state: 'FAILED' });
    google.resources.set(`v1/${config}/runs`, {
      httpStatus: 503,
      status: 'UNAVAILABLE',
      message: 'try later',
    });
    const poller = await Poller.start(
      {
        GOOGLE_CLOUD_PROJECT: freshProject(),
        DATAFLOW_API_URL: google.urlFor('dataflow'),
        BIGQUERYDATATRANSFER_API_URL: google.urlFor('bigquerydatatransfer'),
      },
      `targets:
  - { name: etl, kind: dataflow, project: acme, location: us-central1, job: etl }
  - { name: ads, kind: bq-transfer, project: acme, location: us, config: c1 }
`,
    );
    try {
      const { report } = await poller.poll('?dryRun=true');
      expect(report.targets.map((t) => [t.name, t.state])).toEqual([
        ['etl', 'JOB_STATE_FAILED'],
        ['ads', 'FAILED'],
      ]);
    } finally {
      await poller.close();
      await google.close();
    }
  });
});
