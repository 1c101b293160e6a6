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
    expect(logged).toMatchObject({ severity: 'ERROR', permanent: true, target: 'for-data' });
    expect(ops.messages).toHaveLength(1);

    expect((await poller.poll()).status).toBe(200);
    expect(data.messages.map((m) => m.text.split(' (')[0])).toEqual(['for-data']);
  });
});
