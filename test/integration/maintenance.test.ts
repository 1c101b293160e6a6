import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterServer, healthyCluster, pod } from '../support/cluster-server.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

const MINUTE = 60_000;

describe('a maintenance window, against the Firestore emulator', () => {
  let slack: SlackReceiver;
  let cluster: ClusterServer;
  let poller: Poller;
  let now: Date;
  const at = (iso: string) => {
    now = new Date(iso);
  };
  const degraded = {
    status: 200,
    body: { ...healthyCluster(), APIGW: [pod('apigw-1', { database: false })] },
  };

  beforeEach(async () => {
    [slack, cluster] = await Promise.all([SlackReceiver.start(), ClusterServer.start()]);
    at('2026-11-22T01:50:00Z');
    poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: freshProject(), SLACK_WEBHOOK_URL: slack.url },
      `
maintenance:
  - { schedule: "0 2 * * SUN", duration: 1h }
targets:
  - { name: qmonus-prod, kind: cluster-heartbeat, url: "${cluster.url}", mention: "<!subteam^S0OPS>" }
`,
      { clock: () => now },
    );
    await poller.poll();
  });

  afterEach(async () => {
    await Promise.all([poller.close(), slack.close(), cluster.close()]);
  });

  it('swallows a flap inside the window', async () => {
    at('2026-11-22T02:10:00Z');
    cluster.answer = degraded;
    const inside = await poller.poll();
    expect(inside.report.targets[0]).toMatchObject({
      state: 'DEGRADED',
      changed: true,
      silencedUntil: '2026-11-22T03:00:00.000Z',
    });
    at('2026-11-22T02:20:00Z');
    cluster.answer = { status: 200, body: healthyCluster() };
    await poller.poll();
    at('2026-11-22T03:05:00Z');
    await poller.poll();
    expect(slack.messages).toHaveLength(0);
  });

  it('alerts once at its end when the target is still down', async () => {
    at('2026-11-22T02:10:00Z');
    cluster.answer = degraded;
    await poller.poll();
    now = new Date(now.getTime() + 30 * MINUTE);
    await poller.poll();
    expect(slack.messages).toHaveLength(0);

    at('2026-11-22T03:00:00Z');
    await poller.poll();
    await poller.poll();
    expect(slack.messages.map((m) => m.text.split(':')[0])).toEqual([
      '<!subteam^S0OPS> qmonus-prod (cluster-heartbeat) is still DEGRADED (its alert was held back by a silence, a maintenance window or a dependency), unhealthy for 50m',
    ]);
  });
});
