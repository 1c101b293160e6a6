import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterServer, healthyCluster, pod } from '../support/cluster-server.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

describe('routes: several Slack webhooks, chosen per target', () => {
  let ops: SlackReceiver;
  let data: SlackReceiver;
  let cluster: ClusterServer;
  let poller: Poller;

  beforeEach(async () => {
    [ops, data, cluster] = await Promise.all([
      SlackReceiver.start(),
      SlackReceiver.start(),
      ClusterServer.start(),
    ]);
    poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: freshProject(), SLACK_WEBHOOK_URL: ops.url, SLACK_WEBHOOK_DATA: data.url },
      `
routes:
  data: SLACK_WEBHOOK_DATA
targets:
  - { name: for-ops, kind: cluster-heartbeat, url: "${cluster.url}" }
  - { name: for-data, kind: cluster-heartbeat, url: "${cluster.url}", route: data }
`,
    );
    await poller.poll();
    cluster.answer = {
      status: 200,
      body: { ...healthyCluster(), APIGW: [pod('apigw-1', { database: false })] },
    };
  });

  afterEach(async () => {
    await Promise.all([poller.close(), ops.close(), data.close(), cluster.close()]);
  });

  it('sends each target’s messages to its route, and the rest to SLACK_WEBHOOK_URL', async () => {
    expect((await poller.poll()).status).toBe(200);
    expect(ops.messages.map((m) => m.text.split(' (')[0])).toEqual(['for-ops']);
    expect(data.messages.map((m) => m.text.split(' (')[0])).toEqual(['for-data']);
  });

  it('names the broken route and why when Slack refuses for good, and keeps the message', async () => {
    data.refuseNext(410, 'channel_is_archived');
    const refused = await poller.poll();
    expect(refused.status).toBe(500);
    expect(refused.report.error).toBe(
      'notification for for-data not delivered to route data (slack): Slack answered HTTP 410 (channel_is_archived)',
    );
    const logged = poller.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l['route'] === 'data');
    expect(logged).toMatchObject({ severity: 'ERROR', permanent: true, targets: ['for-data'] });
    expect(ops.messages).toHaveLength(1);

    expect((await poller.poll()).status).toBe(200);
    expect(data.messages.map((m) => m.text.split(' (')[0])).toEqual(['for-data']);
  });

  it('silences a target over HTTP: records its changes, sends nothing, and alerts once when lifted', async () => {
    const silenced = await poller.poll('?silence=for-ops&for=2h');
    expect(silenced.status).toBe(200);
    const report = silenced.report.targets.find((t) => t.name === 'for-ops');
    expect(report).toMatchObject({ state: 'DEGRADED', changed: true });
    expect(Date.parse(report?.silencedUntil ?? '') - Date.parse(silenced.report.startedAt)).toBe(
      2 * 3_600_000,
    );
    expect(ops.messages).toHaveLength(0);
    expect(data.messages).toHaveLength(1);

    await poller.poll();
    expect(ops.messages).toHaveLength(0);

    await poller.poll('?unsilence=for-ops');
    expect(ops.messages).toHaveLength(1);
    expect(ops.messages[0]?.text).toMatch(
      /^for-ops \(cluster-heartbeat\) is still DEGRADED \(its alert was held back by a silence, a maintenance window or a dependency\), unhealthy for \d+ms: APIGW\/apigw-1: database=false/,
    );
    await poller.poll();
    expect(ops.messages).toHaveLength(1);
  });

  it.each([
    ['?silence=for-ops', 'silence needs for=<duration>'],
    ['?silence=for-ops&for=2h&dryRun=true', 'cannot be combined with dryRun'],
    ['?silence=nobody&for=2h', 'no target named nobody'],
  ])('refuses %s with 400', async (query, message) => {
    const { status, report } = await poller.poll(query);
    expect(status).toBe(400);
    expect(report.error).toContain(message);
  });
});
