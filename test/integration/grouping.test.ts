import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterServer, healthyCluster, pod } from '../support/cluster-server.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

describe('grouping: one message per route per poll', () => {
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
    const targets = Array.from(
      { length: 200 },
      (_, i) =>
        `  - { name: t${i}, kind: cluster-heartbeat, url: "${cluster.url}&n=${i}"` +
        (i % 2 === 0 ? ', route: data, mention: "<!subteam^S0DATA>"' : '') +
        ' }',
    ).join('\n');
    poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: freshProject(), SLACK_WEBHOOK_URL: ops.url, SLACK_WEBHOOK_DATA: data.url },
      `
defaults: { mention: "<!subteam^S0OPS>" }
routes: { data: SLACK_WEBHOOK_DATA }
targets:
${targets}
`,
    );
    await poller.poll();
  });

  afterEach(async () => {
    await Promise.all([poller.close(), ops.close(), data.close(), cluster.close()]);
  });

  it('sends 200 targets failing at once as one message per route, each mention once, long lists cut', async () => {
    cluster.answer = {
      status: 200,
      body: { ...healthyCluster(), APIGW: [pod('apigw-1', { database: false })] },
    };
    const failing = await poller.poll();
    expect(failing.status).toBe(200);
    expect(failing.report.targets.filter((t) => t.changed)).toHaveLength(200);
    expect(failing.report.notifications).toEqual({ sent: 2, pending: 0 });

    for (const [receiver, mention] of [
      [ops, '<!subteam^S0OPS>'],
      [data, '<!subteam^S0DATA>'],
    ] as const) {
      expect(receiver.messages).toHaveLength(1);
      const [message] = receiver.messages;
      expect(message?.text.split('\n')[0]).toBe(`${mention} 100 targets: 100 unhealthy, 0 recovered`);
      expect(message?.text.match(/<!subteam/g)).toHaveLength(1);
      expect(message?.blocks.length).toBeLessThanOrEqual(50);
      expect(message?.text).toContain('…and 80 more');
    }

    cluster.answer = { status: 200, body: healthyCluster() };
    await poller.poll();
    expect(ops.messages[1]?.text.split('\n')[0]).toBe('100 targets: 0 unhealthy, 100 recovered');
  });
});
