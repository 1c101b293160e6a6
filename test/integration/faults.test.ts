import { Firestore, Timestamp } from '@google-cloud/firestore';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FirestoreStateStore } from '../../functions/store/firestore.ts';
import { withDeadline } from '../../functions/store/with-deadline.ts';
import { ClusterServer, healthyCluster, pod } from '../support/cluster-server.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

const KEY = 'k3y-0123456789abcdef';

/** Everything a test started, closed after it whatever happened. */
const opened: { close: () => Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((thing) => thing.close()));
});
async function started<T extends { close: () => Promise<void> }>(thing: Promise<T>): Promise<T> {
  const ready = await thing;
  opened.push(ready);
  return ready;
}

const degraded = () => ({ ...healthyCluster(), APIGW: [pod('apigw-7d9f8-abcde', { database: false })] });

describe('one target can only ever affect itself', () => {
  it('alerts another target’s outage while one endpoint answers 7,500 empty pods', async () => {
    const [huge, sick, slack] = await Promise.all([
      started(ClusterServer.start()),
      started(ClusterServer.start()),
      started(SlackReceiver.start()),
    ]);
    huge.answer = { status: 200, body: { APIGW: Array.from({ length: 7500 }, () => ({})) } };
    sick.answer = { status: 200, body: degraded() };
    const poller = await started(
      Poller.start(
        { GOOGLE_CLOUD_PROJECT: freshProject(), SLACK_WEBHOOK_URL: slack.url },
        `targets:\n  - { name: huge, kind: cluster-heartbeat, url: "${huge.url}" }\n  - { name: sick, kind: cluster-heartbeat, url: "${sick.url}" }\n`,
      ),
    );
    for (let i = 0; i < 2; i++) {
      const { status, report } = await poller.poll();
      expect(status).toBe(200);
      expect(report.targets.map((t) => [t.name, t.state])).toEqual([
        ['huge', 'DEGRADED'],
        ['sick', 'DEGRADED'],
      ]);
      expect(report.targets[0]?.detail.length).toBeLessThanOrEqual(4100);
    }
    expect(slack.messages.map((m) => m.text.split('\n')[0])).toEqual(['2 targets: 2 unhealthy, 0 recovered']);
  });
});

describe('a bad file is an error, never a silent empty watch', () => {
  it.each([
    ['empty', ''],
    ['only comments', '# all targets moved elsewhere\n'],
    ['without targets', 'targets: []\n'],
  ])('answers 500 for a file %s, and forgets nothing: fixed, it alerts nothing again', async (_, broken) => {
    const [cluster, slack] = await Promise.all([
      started(ClusterServer.start()),
      started(SlackReceiver.start()),
    ]);
    cluster.answer = { status: 200, body: degraded() };
    const good = `targets:\n  - { name: qmonus-prod, kind: cluster-heartbeat, url: "${cluster.url}" }\n`;
    const poller = await started(
      Poller.start({ GOOGLE_CLOUD_PROJECT: freshProject(), SLACK_WEBHOOK_URL: slack.url }, good),
    );
    expect((await poller.poll()).status).toBe(200);
    expect(slack.messages).toHaveLength(1);

    await poller.writeTargets(broken);
    const { status, report } = await poller.poll();
    expect(status).toBe(500);
    expect(report.error).toMatch(/^invalid targets file .*: targets: (is missing|lists no targets)/);

    await poller.writeTargets(good);
    const fixed = await poller.poll();
    expect(fixed.report.targets[0]).toMatchObject({
      state: 'DEGRADED',
      changed: false,
      previousState: 'DEGRADED',
    });
    expect(slack.messages).toHaveLength(1);
  });

  it('refuses an unknown query parameter, naming it, instead of running a real poll', async () => {
    const poller = await started(
      Poller.start({ STATE_STORE: 'memory' }, 'targets: [{ name: backup, kind: push, every: 1d }]\n'),
    );
    const { status, report } = await poller.poll('?dryrun=true');
    expect(status).toBe(400);
    expect(report.error).toBe(
      'unknown query parameter "dryrun"; expected dryRun, target, silence, for, unsilence, testNotification',
    );
  });
});

describe('every request is bounded in time', () => {
  it('answers 500 naming Firestore when it does not answer, within the store deadline', async () => {
    // Accepts connections and never answers: a database that hangs.
    const sockets: import('node:net').Socket[] = [];
    const blackhole: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackhole.listen(0, '127.0.0.1', resolve));
    opened.push({
      close: () =>
        new Promise((resolve) => {
          for (const socket of sockets) socket.destroy();
          blackhole.close(() => {
            resolve();
          });
        }),
    });
    const port = (blackhole.address() as import('node:net').AddressInfo).port;
    const db = new Firestore({ projectId: freshProject(), host: '127.0.0.1', port, ssl: false });
    opened.push({ close: () => db.terminate() });
    const poller = await started(
      Poller.start({ STATE_STORE: 'memory' }, 'targets: [{ name: backup, kind: push, every: 1d }]\n', {
        configure: (deps) => {
          deps.store = withDeadline(new FirestoreStateStore(db), 1000, 'Firestore');
        },
      }),
    );
    const { status, report } = await poller.poll();
    expect(status).toBe(500);
    expect(report.error).toMatch(/^Firestore did not answer within 1 s \(\w+\)$/);
  });

  it('spends at most its delivery budget on a hanging Slack, and leaves the rest pending', async () => {
    const [cluster, slack] = await Promise.all([
      started(ClusterServer.start()),
      started(SlackReceiver.start()),
    ]);
    cluster.answer = { status: 200, body: degraded() };
    const project = freshProject();
    const routes = ['a', 'b', 'c'];
    const poller = await started(
      Poller.start(
        {
          GOOGLE_CLOUD_PROJECT: project,
          SLACK_WEBHOOK_URL: slack.url,
          ...Object.fromEntries(routes.map((r) => [`SLACK_WEBHOOK_${r.toUpperCase()}`, slack.url])),
        },
        `routes: { ${routes.map((r) => `${r}: SLACK_WEBHOOK_${r.toUpperCase()}`).join(', ')} }\ntargets:\n` +
          routes
            .map((r) => `  - { name: t-${r}, kind: cluster-heartbeat, url: "${cluster.url}", route: ${r} }`)
            .join('\n'),
        { configure: (deps) => (deps.deliveryBudgets = { pollMs: 1000, pingMs: 1000 }) },
      ),
    );
    slack.hangNext(1);
    const { status, report } = await poller.poll();
    expect(status).toBe(500);
    expect(report.notifications.sent).toBe(0);
    expect(report.notifications.pending).toBe(3);
    expect(report.error).toContain('left for the next poll: the delivery budget of 1s is used up');
    // Three messages, yet fewer requests: the budget, not the number of messages, bounds the wait.
    expect(slack.requests).toBe(1);

    const next = await poller.poll();
    expect(next.status).toBe(200);
    expect(next.report.notifications).toEqual({ sent: 3, pending: 0 });
  });

  it('lets a failure ping alert for its own target only, leaving older messages to the poll', async () => {
    const [cluster, slack] = await Promise.all([
      started(ClusterServer.start()),
      started(SlackReceiver.start()),
    ]);
    cluster.answer = { status: 200, body: degraded() };
    const poller = await started(
      Poller.start(
        { GOOGLE_CLOUD_PROJECT: freshProject(), SLACK_WEBHOOK_URL: slack.url, PING_KEY: KEY },
        `targets:\n  - { name: web, kind: cluster-heartbeat, url: "${cluster.url}" }\n  - { name: backup, kind: push, every: 1d }\n`,
      ),
    );
    slack.refuseNext(500);
    expect((await poller.poll()).report.notifications).toEqual({ sent: 0, pending: 1 });

    expect(await poller.ping(`/${KEY}/backup/fail`)).toEqual({ status: 200, body: 'OK\n' });
    expect(slack.messages.map((m) => m.text)).toEqual([
      'backup (push) changed NEW → FAILED: the job reported a failure',
    ]);

    expect((await poller.poll()).report.notifications).toEqual({ sent: 1, pending: 0 });
    expect(slack.messages.map((m) => m.text.split(':')[0])).toEqual([
      'backup (push) changed NEW → FAILED',
      'web (cluster-heartbeat) is DEGRADED',
    ]);
  });
});

describe('exactly once', () => {
  it('counts a message another poll holds the lease on as pending, not as delivered', async () => {
    const [cluster, slack] = await Promise.all([
      started(ClusterServer.start()),
      started(SlackReceiver.start()),
    ]);
    cluster.answer = { status: 200, body: degraded() };
    const project = freshProject();
    const poller = await started(
      Poller.start(
        { GOOGLE_CLOUD_PROJECT: project, SLACK_WEBHOOK_URL: slack.url },
        `targets:\n  - { name: web, kind: cluster-heartbeat, url: "${cluster.url}" }\n`,
        // It waits, within its budget, for the other poll to deliver; that poll never will.
        { configure: (deps) => (deps.deliveryBudgets = { pollMs: 1000, pingMs: 1000 }) },
      ),
    );
    slack.refuseNext(500);
    await poller.poll();
    // Another poll takes the message for sending now.
    const db = new Firestore({ projectId: project });
    opened.push({ close: () => db.terminate() });
    const [entry] = (await db.collection('outbox').get()).docs;
    await entry?.ref.update({ claimedUntil: Timestamp.fromMillis(Date.now() + 60_000) });

    const { status, report } = await poller.poll();
    expect(status).toBe(500);
    expect(report.notifications).toEqual({ sent: 0, pending: 1 });
    expect(report.error).toBe('notification for web is being sent by another poll');
    expect(slack.messages).toEqual([]);
  });

  it('alerts both failures of a job that fails, succeeds and fails again between two polls', async () => {
    const slack = await started(SlackReceiver.start());
    let now = new Date('2026-11-21T03:00:00Z');
    const poller = await started(
      Poller.start(
        { GOOGLE_CLOUD_PROJECT: freshProject(), SLACK_WEBHOOK_URL: slack.url, PING_KEY: KEY },
        'targets: [{ name: backup, kind: push, every: 1d }]\n',
        { clock: () => now },
      ),
    );
    const ping = async (path: string, body?: string) => {
      now = new Date(now.getTime() + 60_000);
      await poller.ping(`/${KEY}/backup${path}`, body === undefined ? {} : { method: 'POST', body });
    };
    await ping('/fail', 'first');
    await ping('');
    await ping('/fail', 'second');
    expect(slack.messages.map((m) => m.text)).toEqual([
      'backup (push) is FAILED: the job reported a failure: first',
      'backup (push) recovered: UP (was FAILED, unhealthy for 1m): last ping just now',
      'backup (push) changed UP → FAILED: the job reported a failure: second',
    ]);
    await poller.poll();
    expect(slack.messages).toHaveLength(3);
  });
});
