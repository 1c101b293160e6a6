import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterServer, healthyCluster } from '../support/cluster-server.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

describe('dependsOn: a failing dependency holds back its dependents’ alerts', () => {
  let slack: SlackReceiver;
  let db: ClusterServer;
  let api: ClusterServer;
  let poller: Poller;
  const down = { status: 503, body: { error: 'down' } };
  const up = () => ({ status: 200, body: healthyCluster() });

  beforeEach(async () => {
    [slack, db, api] = await Promise.all([
      SlackReceiver.start(),
      ClusterServer.start(),
      ClusterServer.start(),
    ]);
    poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: freshProject(), SLACK_WEBHOOK_URL: slack.url },
      `
defaults: { mention: "<!subteam^S0OPS>" }
targets:
  - { name: db, kind: cluster-heartbeat, url: "${db.url}" }
  - { name: api, kind: cluster-heartbeat, url: "${api.url}", dependsOn: [db] }
  - { name: web, kind: cluster-heartbeat, url: "${api.url}", dependsOn: [api] }
`,
    );
    await poller.poll();
  });

  afterEach(async () => {
    await Promise.all([poller.close(), slack.close(), db.close(), api.close()]);
  });

  it('sends only the dependency’s alert, naming the dependents also failing', async () => {
    db.answer = down;
    api.answer = down;
    await poller.poll();
    expect(slack.messages.map((m) => m.text)).toEqual([
      '<!subteam^S0OPS> db (cluster-heartbeat) changed HEALTHY → HTTP_503: HTTP 503 Service Unavailable: {"error":"down"}',
    ]);
    expect(JSON.stringify(slack.messages[0]?.blocks)).toContain('1 dependent target also failing: api');
  });

  it('sends a dependent’s held-back alert when the dependency recovers and it is still down', async () => {
    db.answer = down;
    api.answer = down;
    await poller.poll();
    db.answer = up();
    await poller.poll();
    await poller.poll();
    expect(slack.messages.map((m) => m.text.split(':')[0])).toEqual([
      '<!subteam^S0OPS> db (cluster-heartbeat) changed HEALTHY → HTTP_503',
      '<!subteam^S0OPS> 2 targets',
    ]);
    const second = slack.messages[1]?.text ?? '';
    expect(second).toContain('db (cluster-heartbeat) recovered: HEALTHY');
    expect(second).toContain('api (cluster-heartbeat) is still HTTP_503 (its alert was held back');
  });

  it('refuses a dependency cycle or an unknown dependency, naming it', async () => {
    await poller.writeTargets(`
targets:
  - { name: a, kind: cluster-heartbeat, url: "${db.url}", dependsOn: [b] }
  - { name: b, kind: cluster-heartbeat, url: "${db.url}", dependsOn: [a, nope] }
`);
    const { status, report } = await poller.poll();
    expect(status).toBe(500);
    expect(report.error).toContain('targets[0].dependsOn[0]: "b" depends on "a" in turn: a cycle');
    expect(report.error).toContain('targets[1].dependsOn[1]: no target named "nope"');
  });
});
