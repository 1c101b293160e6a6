import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleFake } from '../support/google-fake.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

/** Cloud SQL, Memorystore and any resource by URL, through one local stand-in for Google's REST APIs. */
describe('Google resource kinds, against a local Google REST fake', () => {
  let google: GoogleFake;
  let slack: SlackReceiver;
  let poller: Poller;

  beforeAll(async () => {
    [google, slack] = await Promise.all([GoogleFake.start(), SlackReceiver.start()]);
    google.resources.set('v1/projects/acme/instances/orders-db', {
      name: 'orders-db',
      state: 'RUNNABLE',
      databaseVersion: 'POSTGRES_16',
      settings: { activationPolicy: 'ALWAYS' },
    });
    google.resources.set('v1/projects/acme/instances/stopped-db', {
      state: 'RUNNABLE',
      databaseVersion: 'MYSQL_8_0',
      settings: { activationPolicy: 'NEVER' },
    });
    google.resources.set('v1/projects/home/instances/forbidden-db', {
      httpStatus: 403,
      status: 'PERMISSION_DENIED',
      message: 'The client is not authorized to make this request.',
    });
    google.resources.set('v1/projects/acme/locations/asia-northeast1/instances/cache', {
      state: 'READY',
      tier: 'STANDARD_HA',
      redisVersion: 'REDIS_7_2',
    });
    google.resources.set('v1/projects/acme/locations/us-central1/clusters/main', {
      state: 'READY',
      status: { state: 'RUNNING' },
    });
    const env = {
      GOOGLE_CLOUD_PROJECT: 'home',
      SLACK_WEBHOOK_URL: slack.url,
      SQLADMIN_API_URL: google.url,
      REDIS_API_URL: google.url,
      ALLOYDB_API_URL: google.url,
    };
    poller = await Poller.start(
      { ...env, GOOGLE_CLOUD_PROJECT: freshProject() },
      `
targets:
  - { name: orders-db, kind: cloudsql, project: acme, instance: orders-db }
  - { name: stopped-db, kind: cloudsql, project: acme, instance: stopped-db }
  - { name: forbidden-db, kind: cloudsql, project: home, instance: forbidden-db }
  - { name: cache, kind: redis, project: acme, location: asia-northeast1, instance: cache }
  - name: alloy
    kind: gcp-resource
    url: https://alloydb.googleapis.com/v1/projects/acme/locations/us-central1/clusters/main
    allowedStates: [READY]
  - name: alloy-nested
    kind: gcp-resource
    url: https://alloydb.googleapis.com/v1/projects/acme/locations/us-central1/clusters/main
    stateField: status.state
    allowedStates: [RUNNING]
  - name: gone
    kind: gcp-resource
    url: https://alloydb.googleapis.com/v1/projects/acme/locations/us-central1/clusters/gone
    allowedStates: [READY]
`,
    );
  });

  afterAll(async () => {
    await poller.close();
    await Promise.all([google.close(), slack.close()]);
  });

  it('reports each resource’s own state, its failures as states, with the evidence', async () => {
    const { status, report } = await poller.poll('?dryRun=true');
    expect(status).toBe(200);
    expect(Object.fromEntries(report.targets.map((t) => [t.name, [t.state, t.healthy, t.detail]]))).toEqual({
      'orders-db': ['RUNNABLE', true, 'POSTGRES_16; activation policy ALWAYS'],
      'stopped-db': ['STOPPED', false, 'MYSQL_8_0; activation policy NEVER'],
      'forbidden-db': [
        'PERMISSION_DENIED',
        false,
        "no permission to read Cloud SQL instance home/forbidden-db (grant roles/cloudsql.viewer to the poller's service account): PERMISSION_DENIED: The client is not authorized to make this request.",
      ],
      cache: ['READY', true, 'STANDARD_HA; REDIS_7_2'],
      alloy: ['READY', true, 'v1/projects/acme/locations/us-central1/clusters/main'],
      'alloy-nested': ['RUNNING', true, 'v1/projects/acme/locations/us-central1/clusters/main'],
      gone: [
        'NOT_FOUND',
        false,
        "v1/projects/acme/locations/us-central1/clusters/gone not found (deleted or misspelt): NOT_FOUND: Resource 'projects/acme/locations/us-central1/clusters/gone' was not found",
      ],
    });
    // <SERVICE>_API_URL gets no credentials.
    expect(google.requests.every((r) => r.authorization === undefined)).toBe(true);
  });

  it('alerts a change with a link to the resource in the Cloud console', async () => {
    await poller.poll();
    slack.messages.length = 0;
    google.resources.set('v1/projects/acme/instances/orders-db', {
      state: 'SUSPENDED',
      suspensionReason: ['BILLING_ISSUE'],
    });
    const { report } = await poller.poll('?target=orders-db');
    expect(report.targets[0]).toMatchObject({ state: 'SUSPENDED', changed: true, previousState: 'RUNNABLE' });
    expect(slack.messages.map((m) => m.text)).toEqual([
      'orders-db (cloudsql) changed RUNNABLE → SUSPENDED: suspended: BILLING_ISSUE',
    ]);
    expect(JSON.stringify(slack.messages[0]?.blocks)).toContain(
      '<https://console.cloud.google.com/sql/instances/orders-db/overview?project=acme|Open in the Cloud console>',
    );
  });
});
