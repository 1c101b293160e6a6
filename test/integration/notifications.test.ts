import { Firestore, type Timestamp } from '@google-cloud/firestore';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterServer, healthyCluster, pod } from '../support/cluster-server.ts';
import { GoogleFake } from '../support/google-fake.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

const STREAM = 'projects/acme-data/locations/asia-northeast1/streams/orders-to-bq';

function targetsYaml(clusterUrl: string): string {
  return `
defaults:
  mention: "<!subteam^S0123ABCD>"
  timeout: 2s
targets:
  - name: orders-stream
    kind: datastream
    project: acme-data
    location: asia-northeast1
    stream: orders-to-bq
    mention: "<!subteam^S0DATA>"
  - name: qmonus-prod
    kind: cluster-heartbeat
    url: ${clusterUrl}
    components: [APIGW, SCENARIO, SCHEDULE]
`;
}

describe('notifications, against the Firestore emulator and a local Slack', () => {
  let slack: SlackReceiver;
  let datastream: GoogleFake;
  let cluster: ClusterServer;
  let project: string;
  let env: Record<string, string>;
  const pollers: Poller[] = [];

  async function startPoller(): Promise<Poller> {
    const poller = await Poller.start(env, targetsYaml(cluster.url));
    pollers.push(poller);
    return poller;
  }

  beforeEach(async () => {
    [slack, datastream, cluster] = await Promise.all([
      SlackReceiver.start(),
      GoogleFake.start(),
      ClusterServer.start(),
    ]);
    datastream.put(STREAM, { state: 'RUNNING' });
    project = freshProject();
    env = { GOOGLE_CLOUD_PROJECT: project, SLACK_WEBHOOK_URL: slack.url, DATASTREAM_API_URL: datastream.url };
  });

  afterEach(async () => {
    await Promise.all([
      ...pollers.splice(0).map((p) => p.close()),
      slack.close(),
      datastream.close(),
      cluster.close(),
    ]);
  });

  it('walks a stream through healthy → failed → failed → recovered, sending exactly two messages', async () => {
    const poller = await startPoller();

    const first = await poller.poll();
    expect(first.status).toBe(200);
    expect(first.report.targets.map((t) => [t.name, t.state, t.healthy, t.changed])).toEqual([
      ['orders-stream', 'RUNNING', true, true],
      ['qmonus-prod', 'HEALTHY', true, true],
    ]);
    expect(slack.messages).toHaveLength(0);

    datastream.put(STREAM, {
      state: 'FAILED',
      errors: [
        { reason: 'BIGQUERY_UNSUPPORTED_PRIMARY_KEY_CHANGE', message: 'primary key of orders changed' },
      ],
    });
    const failed = await poller.poll();
    expect(failed.status).toBe(200);
    expect(failed.report.notifications).toEqual({ sent: 1, pending: 0 });
    expect(slack.messages).toHaveLength(1);
    const alert = slack.messages[0];
    expect(alert?.text).toContain('<!subteam^S0DATA>');
    expect(alert?.text).toContain('orders-stream (datastream) changed RUNNING → FAILED');
    expect(alert?.text).not.toContain('S0123ABCD');
    expect(JSON.stringify(alert?.blocks)).toContain('primary key of orders changed');
    expect(JSON.stringify(alert?.blocks)).toContain(
      '<https://console.cloud.google.com/datastream/streams/locations/asia-northeast1/instances/orders-to-bq?project=acme-data|Open in the Cloud console>',
    );

    const still = await poller.poll();
    expect(still.report.targets[0]).toMatchObject({
      state: 'FAILED',
      changed: false,
      previousState: 'FAILED',
    });
    expect(slack.messages).toHaveLength(1);

    datastream.put(STREAM, { state: 'RUNNING' });
    const recovered = await poller.poll();
    expect(recovered.report.targets[0]).toMatchObject({
      state: 'RUNNING',
      changed: true,
      previousState: 'FAILED',
    });
    expect(slack.messages).toHaveLength(2);
    const recovery = slack.messages[1]?.text ?? '';
    expect(recovery).toMatch(
      /orders-stream \(datastream\) recovered: RUNNING \(was FAILED, unhealthy for \d+ms\)/,
    );
    expect(recovery).not.toContain('<!subteam');
  });

  it('alerts on the first observation when a target starts out unhealthy', async () => {
    datastream.put(STREAM, { state: 'FAILED' });
    const poller = await startPoller();
    await poller.poll();
    expect(slack.messages.map((m) => m.text)).toEqual([
      `<!subteam^S0DATA> orders-stream (datastream) is FAILED: stream ${STREAM}`,
    ]);
  });

  it('names the component, pod, field and value when a cluster degrades', async () => {
    const poller = await startPoller();
    await poller.poll();
    cluster.answer = {
      status: 200,
      body: {
        ...healthyCluster(),
        APIGW: [pod('apigw-7d9f8-abcde'), pod('apigw-7d9f8-fghij', { database: false })],
      },
    };
    await poller.poll();
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]?.text).toContain(
      '<!subteam^S0123ABCD> qmonus-prod (cluster-heartbeat) changed HEALTHY → DEGRADED',
    );
    expect(JSON.stringify(slack.messages[0]?.blocks)).toContain(
      'APIGW/apigw-7d9f8-fghij: database=false (allowed: true)',
    );
  });

  it('does not repeat an alert after a restart, because the state comes from Firestore', async () => {
    datastream.put(STREAM, { state: 'FAILED' });
    await (await startPoller()).poll();
    expect(slack.messages).toHaveLength(1);

    const restarted = await startPoller();
    const again = await restarted.poll();
    expect(again.report.targets[0]).toMatchObject({
      state: 'FAILED',
      changed: false,
      previousState: 'FAILED',
    });
    expect(slack.messages).toHaveLength(1);
  });

  it('writes nothing to Firestore when nothing changed', async () => {
    const poller = await startPoller();
    await poller.poll();
    const db = new Firestore({ projectId: project });
    const board = db.collection('status').doc('targets');
    const before = await board.get();
    expect(Object.keys(before.get('targets') as object)).toEqual(['orders-stream', 'qmonus-prod']);

    await poller.poll();
    await poller.poll();

    const after = await board.get();
    expect(after.updateTime?.isEqual(before.updateTime as Timestamp)).toBe(true);
    expect((await db.collection('transitions').get()).size).toBe(2);
    await db.terminate();
  });

  it('sends one message when three polls of the same change overlap', async () => {
    const [a, b, c] = await Promise.all([startPoller(), startPoller(), startPoller()]);
    await a.poll();
    datastream.put(STREAM, { state: 'FAILED' });

    const results = await Promise.all([a.poll(), b.poll(), c.poll()]);

    // With the reason, should one fail: a contended transaction is retried, never a 500.
    expect(results.map((r) => [r.status, r.report.error])).toEqual([
      [200, undefined],
      [200, undefined],
      [200, undefined],
    ]);
    expect(results.filter((r) => r.report.targets[0]?.changed)).toHaveLength(1);
    expect(slack.messages).toHaveLength(1);
    const db = new Firestore({ projectId: project });
    const transitions = await db.collection('transitions').where('to', '==', 'FAILED').get();
    expect(transitions.size).toBe(1);
    expect(transitions.docs[0]?.get('notifiedAt')).not.toBeNull();
    await db.terminate();
  });

  it('keeps a message Slack refused, answers 500, and delivers it once on the next poll', async () => {
    const poller = await startPoller();
    await poller.poll();
    datastream.put(STREAM, { state: 'FAILED' });
    slack.refuseNext(500, 'internal_error');

    const refused = await poller.poll();
    expect(refused.status).toBe(500);
    expect(refused.report.notifications).toEqual({ sent: 0, pending: 1 });
    expect(refused.report.error).toContain(
      'notification for orders-stream not delivered to route default (slack): Slack answered HTTP 500',
    );
    expect(slack.messages).toHaveLength(0);

    const retried = await poller.poll();
    expect(retried.status).toBe(200);
    expect(retried.report.notifications).toEqual({ sent: 1, pending: 0 });
    expect(retried.report.targets[0]?.changed).toBe(false);
    expect(slack.messages).toHaveLength(1);
    expect(slack.messages[0]?.text).toContain('RUNNING → FAILED');

    await poller.poll();
    expect(slack.messages).toHaveLength(1);
  });

  it('keeps an alert and its recovery in order when the alert could not be sent at first', async () => {
    const poller = await startPoller();
    await poller.poll();
    datastream.put(STREAM, { state: 'FAILED' });
    slack.refuseNext(503, 'service_unavailable');
    expect((await poller.poll()).status).toBe(500);

    datastream.put(STREAM, { state: 'RUNNING' });
    const caughtUp = await poller.poll();
    expect(caughtUp.status).toBe(200);
    expect(
      slack.messages.map((m) => m.text.match(/changed RUNNING → FAILED|recovered: RUNNING/)?.[0]),
    ).toEqual(['changed RUNNING → FAILED', 'recovered: RUNNING']);
  });

  it('counts towards failureThreshold in Firestore, so the count survives a restart', async () => {
    const guarded = (poller: Poller) =>
      poller.writeTargets(
        targetsYaml(cluster.url).replace('  timeout: 2s', '  timeout: 2s\n  failureThreshold: 2'),
      );
    const first = await startPoller();
    await guarded(first);
    await first.poll();
    datastream.put(STREAM, { state: 'FAILED' });

    const counting = await first.poll();
    expect(counting.report.targets[0]).toMatchObject({
      state: 'FAILED',
      healthy: true,
      changed: false,
      pending: { state: 'FAILED', count: 1, threshold: 2 },
    });
    expect(slack.messages).toHaveLength(0);

    const restarted = await startPoller();
    await guarded(restarted);
    const confirmed = await restarted.poll();
    expect(confirmed.report.targets[0]).toMatchObject({ state: 'FAILED', healthy: false, changed: true });
    expect(confirmed.report.targets[0]).not.toHaveProperty('pending');
    expect(slack.messages.map((m) => m.text)).toEqual([
      '<!subteam^S0DATA> orders-stream (datastream) changed RUNNING → FAILED: stream projects/acme-data/locations/asia-northeast1/streams/orders-to-bq',
    ]);
  });
});
