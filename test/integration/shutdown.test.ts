import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterServer, healthyCluster, pod } from '../support/cluster-server.ts';
import { startFunction } from '../support/function-process.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

describe('a SIGTERM while Slack takes a message, in a real functions-framework process', () => {
  let slack: SlackReceiver;
  let cluster: ClusterServer;
  let project: string;
  let env: Record<string, string>;
  let yaml: string;

  beforeAll(async () => {
    [slack, cluster] = await Promise.all([SlackReceiver.start(), ClusterServer.start()]);
    cluster.answer = {
      status: 200,
      body: { ...healthyCluster(), APIGW: [pod('apigw-0', { database: false })] },
    };
    project = freshProject();
    yaml = `routes: { ops: SLACK_WEBHOOK_OPS }\ntargets:\n  - { name: first, kind: cluster-heartbeat, url: "${cluster.url}" }\n  - { name: second, kind: cluster-heartbeat, url: "${cluster.url}", route: ops }\n  - { name: never-polled-anyway, kind: push, every: 1d }\n`;
    const dir = await mkdtemp(join(tmpdir(), 'shutdown-'));
    const targetsFile = join(dir, 'targets.yaml');
    await writeFile(targetsFile, yaml);
    env = {
      GOOGLE_CLOUD_PROJECT: project,
      SLACK_WEBHOOK_URL: slack.url,
      SLACK_WEBHOOK_OPS: slack.url,
      TARGETS_FILE: targetsFile,
    };
  });

  afterAll(async () => {
    await Promise.all([slack.close(), cluster.close()]);
  });

  it('lets the message finish and marks it sent, starts no other, and the next poll sends each once', async () => {
    const { child, url } = await startFunction(
      'poll',
      { ...process.env, ...env } as Record<string, string>,
      '/?dryRun=true&target=never-polled-anyway',
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    slack.delayNext(2000);
    const answer = fetch(`${url}/`, { method: 'POST' }).then(async (r) => ({
      status: r.status,
      body: await r.text(),
    }));
    while (slack.requests === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGTERM');

    const { status, body } = await answer;
    expect(await exited).toBe(0);
    // The poll answered for itself: the message under way was delivered, the other not started.
    expect(status).toBe(500);
    expect(JSON.parse(body)).toMatchObject({
      notifications: { sent: 1, pending: 1 },
      error: '1 notification(s) left for the next poll: this instance is shutting down',
    });
    expect(slack.messages).toHaveLength(1);
    const delivered = slack.messages[0]?.text.split(' ')[0];
    const other = delivered === 'first' ? 'second' : 'first';
    const db = new Firestore({ projectId: project });
    const outbox = await db.collection('outbox').get();
    // The one not started waits, unclaimed: the next poll need not wait for a lease to run out.
    expect(outbox.docs.map((d): unknown[] => [d.get('targets'), d.get('claimedUntil')])).toEqual([
      [[other], null],
    ]);
    await db.terminate();

    const next = await Poller.start({ ...env }, yaml);
    const { report } = await next.poll();
    await next.close();
    expect(report.notifications).toEqual({ sent: 1, pending: 0 });
    expect(slack.messages.map((m) => m.text.split(':')[0]).sort()).toEqual([
      'first (cluster-heartbeat) is DEGRADED',
      'second (cluster-heartbeat) is DEGRADED',
    ]);
  });
});
