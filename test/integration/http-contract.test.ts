import { Firestore } from '@google-cloud/firestore';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { kinds } from '../../functions/config/schema.ts';
import { ClusterServer, healthyCluster, pod } from '../support/cluster-server.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

describe('the poll function over HTTP', () => {
  let slack: SlackReceiver;
  let healthy: ClusterServer;
  let sick: ClusterServer;
  let hanging: ClusterServer;
  let poller: Poller;
  let project: string;
  let yaml: string;

  beforeAll(async () => {
    [slack, healthy, sick, hanging] = await Promise.all([
      SlackReceiver.start(),
      ClusterServer.start(),
      ClusterServer.start(),
      ClusterServer.start(),
    ]);
    sick.answer = {
      status: 200,
      body: { ...healthyCluster(), APIGW: [pod('apigw-1', { database: false })] },
    };
    hanging.answer = { hang: true };
    yaml = `
defaults:
  mention: "<!subteam^S0123ABCD>"
  timeout: 2s
targets:
  - name: healthy
    kind: cluster-heartbeat
    url: ${healthy.url}
    headers: { Authorization: "Bearer \${QMONUS_TOKEN}" }
  - name: sick
    kind: cluster-heartbeat
    url: ${sick.url}
  - name: hanging
    kind: cluster-heartbeat
    url: ${hanging.url}
    timeout: 500ms
`;
  });

  beforeEach(async () => {
    slack.messages.length = 0;
    project = freshProject();
    poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: project, SLACK_WEBHOOK_URL: slack.url, QMONUS_TOKEN: 'qmonus-secret-token' },
      yaml,
    );
  });

  afterEach(() => poller.close());

  afterAll(async () => {
    await Promise.all([slack.close(), healthy.close(), sick.close(), hanging.close()]);
  });

  it('answers 200 with the report whatever the targets health, and times out the hanging one alone', async () => {
    const { status, report } = await poller.poll();

    expect(status).toBe(200);
    expect(report).toMatchObject({ ok: true, notifications: { sent: 1, pending: 0 } });
    expect(Date.parse(report.startedAt)).not.toBeNaN();
    expect(report.targets).toEqual([
      expect.objectContaining({
        name: 'healthy',
        kind: 'cluster-heartbeat',
        state: 'HEALTHY',
        healthy: true,
        detail: '3 components, 4 pods, all healthy',
        changed: true,
        previousState: null,
      }),
      expect.objectContaining({
        name: 'sick',
        state: 'DEGRADED',
        healthy: false,
        detail: 'APIGW/apigw-1: database=false (allowed: true)',
      }),
      expect.objectContaining({
        name: 'hanging',
        state: 'UNREACHABLE',
        healthy: false,
        detail: 'timed out after 500ms',
      }),
    ]);
    // Proved by what each target reports, not by how long it took, which would measure the machine:
    // the detail says the hanging target was cut at its own 500ms, not at the 2s default, and the
    // other two still carry their servers' real answers, so the timeout cut the hanging one alone.
    // A lower bound is safe on any machine, as a timer never fires early: it was not cut sooner.
    expect(report.targets[2]?.durationMs).toBeGreaterThanOrEqual(490);
  });

  it('observes and reports on a dry run, but stores and sends nothing', async () => {
    const dry = await poller.poll('?dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.report.targets.map((t) => [t.name, t.state, t.changed])).toEqual([
      ['healthy', 'HEALTHY', true],
      ['sick', 'DEGRADED', true],
      ['hanging', 'UNREACHABLE', true],
    ]);
    expect(dry.report.notifications).toEqual({ sent: 0, pending: 0 });
    expect(slack.messages).toHaveLength(0);
    const db = new Firestore({ projectId: project });
    expect((await db.collection('status').doc('targets').get()).exists).toBe(false);
    expect((await db.collection('transitions').get()).size).toBe(0);
    await db.terminate();

    const real = await poller.poll();
    expect(real.report.targets.filter((t) => t.changed)).toHaveLength(3);
    // Both unhealthy targets in one message.
    expect(slack.messages).toHaveLength(1);
  });

  it('polls only the targets named by ?target=', async () => {
    const { status, report } = await poller.poll('?target=healthy&target=sick');
    expect(status).toBe(200);
    expect(report.targets.map((t) => t.name)).toEqual(['healthy', 'sick']);
  });

  it('answers 400 for a target the file does not have', async () => {
    const { status, report } = await poller.poll('?target=nope');
    expect(status).toBe(400);
    expect(report.ok).toBe(false);
    expect(report.error).toBe(`no target named nope in ${poller.targetsFile}`);
  });

  it('answers 500 naming the field and line of a broken config, and keeps serving once it is fixed', async () => {
    await poller.writeTargets(
      yaml.replace('kind: cluster-heartbeat\n    url: ' + sick.url, 'kind: nonsense\n    url: ' + sick.url),
    );
    const broken = await poller.poll();
    expect(broken.status).toBe(500);
    expect(broken.report.ok).toBe(false);
    // The whole message, not a prefix: a second issue, or a kind missing from the list, must fail.
    expect(broken.report.error).toBe(
      `invalid targets file ${poller.targetsFile}: ` +
        `targets[1].kind: unknown kind "nonsense" (line 11); expected ${kinds.join(' | ')}`,
    );
    expect(poller.logs.some((l) => l.includes('"severity":"ERROR"') && l.includes('unknown kind'))).toBe(
      true,
    );

    await poller.writeTargets(yaml);
    expect((await poller.poll()).status).toBe(200);
  });

  it('keeps secrets out of reports and logs', async () => {
    slack.refuseNext(500, 'internal_error');
    const { raw } = await poller.poll();
    await poller.poll();
    expect(healthy.requests.at(-1)?.authorization).toBe('Bearer qmonus-secret-token');
    const everything = raw + poller.logs.join('\n');
    expect(everything).toContain('Slack answered HTTP 500');
    expect(everything).not.toContain('qmonus-secret-token');
    expect(everything).not.toContain('SECRETsecretSECRET');
    expect(everything).not.toContain('/services/');
  });

  it('logs one JSON line per target and one summary per poll', async () => {
    await poller.poll();
    const lines = poller.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      lines.filter((l) => typeof l['target'] === 'string').map((l) => [l['target'], l['severity']]),
    ).toEqual([
      ['healthy', 'INFO'],
      ['sick', 'WARNING'],
      ['hanging', 'WARNING'],
    ]);
    expect(lines.filter((l) => l['pollSummary'])).toEqual([
      expect.objectContaining({
        severity: 'INFO',
        message: 'poll done: 3 targets, 2 unhealthy, 3 changed, 1 sent, 0 pending',
      }),
    ]);
  });
});
