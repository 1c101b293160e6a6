import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';
import { ClusterServer, healthyCluster, pod } from '../support/cluster-server.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';
import { SlackWebApi } from '../support/slack-web-api.ts';

async function file(yaml: string): Promise<string> {
  const path = join(await mkdtemp(join(tmpdir(), 'cli-')), 'targets.yaml');
  await writeFile(path, yaml);
  return path;
}

describe('gcp-status-poller validate, before deploying', () => {
  it('passes the shipped example', async () => {
    const { code, stdout } = await runCli(['validate', 'config/targets.yaml']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^config\/targets\.yaml: valid, \d+ targets? \(/);
  });

  it.each([
    [
      'a misspelt key',
      'targets:\n  - { name: a, kind: push, every: 1d, timout: 10s }\n',
      'targets[0].timout: unknown key (line 2)',
    ],
    [
      'a bad duration',
      'targets:\n  - { name: a, kind: push, every: 1d, grace: "10" }\n',
      'targets[0].grace: invalid duration "10" (line 2)',
    ],
    ['an empty file', '# nothing\n', 'targets: is missing: the file must list at least one target'],
  ])('fails on %s, naming field and line', async (_, yaml, expected) => {
    const path = await file(yaml);
    const { code, stderr } = await runCli(['validate', path]);
    expect(code).toBe(1);
    expect(stderr).toContain(expected);
  });

  it('fails on a state no check of that kind reports, with the states there are', async () => {
    const path = await file(
      'targets:\n  - { name: s, kind: datastream, stream: projects/p/locations/l/streams/s, allowedStates: [RUNING] }\n',
    );
    const { code, stderr } = await runCli(['validate', path]);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /targets\[0\]\.allowedStates\[0\]: "RUNING" is not a state a datastream target reports \(line 2\); expected STATE_UNSPECIFIED \| NOT_STARTED \| RUNNING/,
    );
  });

  it('warns about a pod field no heartbeat has', async () => {
    const path = await file(
      'targets:\n  - { name: c, kind: cluster-heartbeat, url: "https://x.example/h", pod: { databse: [true] } }\n',
    );
    const { code, stderr } = await runCli(['validate', path]);
    expect(code).toBe(0);
    expect(stderr.split('\n').filter((l) => l.startsWith('warning:'))).toEqual([
      expect.stringMatching(
        /^warning: targets\[0\]\.pod\.databse: no known heartbeat reports a pod field "databse"/,
      ),
    ]);
  });

  it('checks with --env that every variable is set here, without printing any value', async () => {
    const path = await file(
      'targets:\n  - { name: c, kind: cluster-heartbeat, url: "https://x.example/h", headers: { X-Key: "${CLI_TEST_TOKEN}" } }\n',
    );
    expect((await runCli(['validate', path])).code).toBe(0);
    const missing = await runCli(['validate', path, '--env']);
    expect([missing.code, missing.stderr.trim()]).toEqual([
      1,
      `invalid targets file ${path}: targets[0].headers.X-Key: environment variable CLI_TEST_TOKEN is not set (line 2)`,
    ]);
    const set = await runCli(['validate', path, '--env'], { CLI_TEST_TOKEN: 'tok-tok-tok' });
    expect(set.code).toBe(0);
    expect(set.stdout + set.stderr).not.toContain('tok-tok-tok');
  });

  it('checks with --env the Slack app the default route would use', async () => {
    const path = await file(
      'routes:\n  data: { channel: C0123DATA }\ntargets:\n  - { name: b, kind: push, every: 1d, route: data }\n',
    );
    const without = await runCli(['validate', path, '--env']);
    expect([without.code, without.stderr.trim()]).toEqual([
      1,
      `invalid targets file ${path}: routes.data: channel C0123DATA is posted by the Slack app, but SLACK_BOT_TOKEN is not set (line 2)`,
    ]);
    const app = await runCli(['validate', path, '--env'], {
      SLACK_BOT_TOKEN: 'xoxb-secret-1',
      SLACK_CHANNEL: 'C0DEFAULT',
    });
    expect([app.code, app.stderr]).toEqual([0, '']);
    const mistyped = await runCli(['validate', path, '--env'], {
      SLACK_BOT_TOKEN: 'xoxb-secret-1',
      SLACK_CHANNEL: '#data',
    });
    expect([mistyped.code, mistyped.stderr.trim()]).toEqual([
      1,
      'error: SLACK_CHANNEL=#data is not a channel id such as C0123DATA',
    ]);
    expect(app.stdout + mistyped.stderr).not.toContain('xoxb-secret-1');
  });
});

describe('gcp-status-poller poll, from a terminal', () => {
  it('prints a table of the targets, and exits 0 when the poll did its job', async () => {
    const cluster = await ClusterServer.start();
    cluster.answer = {
      status: 200,
      body: { ...healthyCluster(), APIGW: [pod('apigw-0', { database: false })] },
    };
    const path = await file(`targets:\n  - { name: web, kind: cluster-heartbeat, url: "${cluster.url}" }\n`);
    const { code, stdout } = await runCli(['poll', '--dry-run'], {
      TARGETS_FILE: path,
      STATE_STORE: 'memory',
    });
    await cluster.close();
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^TARGET +KIND +STATE +HEALTH +CHANGE +DETAIL$/);
    expect(lines[1]).toMatch(
      /^web +cluster-heartbeat +DEGRADED +UNHEALTHY +was never seen +APIGW\/apigw-0: database=false/,
    );
    expect(lines[3]).toMatch(/^1 targets, 1 unhealthy; 0 sent, 0 pending; \d+ ms$/);
  });
});

describe('gcp-status-poller status, from a terminal', () => {
  it("prints the status page's table from the store: states, uptime, and the week's incidents", async () => {
    const project = freshProject();
    const key = 'k3y-0123456789abcdef';
    const yaml =
      'targets:\n  - { name: orders, kind: push, every: 1h }\n  - { name: billing, kind: push, every: 1h }\n';
    const poller = await Poller.start({ GOOGLE_CLOUD_PROJECT: project, PING_KEY: key }, yaml);
    await poller.ping(`/${key}/orders`);
    await poller.ping(`/${key}/billing/fail`);
    await poller.close();

    const { code, stdout, stderr } = await runCli(['status'], {
      GOOGLE_CLOUD_PROJECT: project,
      TARGETS_FILE: poller.targetsFile,
    });
    expect([code, stderr]).toEqual([0, '']);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^TARGET +STATE +FOR +24H +7D +30D +90D +ROUTE +DETAIL$/);
    expect(lines[1]).toMatch(/^billing +✗ FAILED +\S+ +0% +0% +0% +0% +default +the job reported a failure/);
    expect(lines[2]).toMatch(/^orders +✓ UP +\S+ +100% +100% +100% +100% +default +last ping/);
    expect(lines[4]).toBe('2 targets: 1 unhealthy, 1 healthy');
    expect(stdout).toMatch(
      /INCIDENTS, LAST 7 DAYS\nTARGET +STARTED +ENDED +LASTED +STATES +ALERT\nbilling +\S+ \S+ +ongoing +\S+ +FAILED +alerted/,
    );

    const json = await runCli(['status', '--json', '--show', 'unhealthy'], {
      GOOGLE_CLOUD_PROJECT: project,
      TARGETS_FILE: poller.targetsFile,
    });
    const view = JSON.parse(json.stdout) as { targets: { name: string }[] };
    expect(view.targets.map((t) => t.name)).toEqual(['billing']);
  });

  it('says there is no store to read without a project, and exits 1', async () => {
    const { code, stderr } = await runCli(['status'], {
      GOOGLE_CLOUD_PROJECT: '',
      FIRESTORE_EMULATOR_HOST: '',
    });
    expect(code).toBe(1);
    expect(stderr).toMatch(/^no store to read: set GOOGLE_CLOUD_PROJECT/);
  });
});

describe('a test message, to see a route reach its channel', () => {
  const yaml = 'routes: { data: SLACK_WEBHOOK_DATA }\ntargets:\n  - { name: a, kind: push, every: 1d }\n';

  it('goes through the route from a terminal, marked as a test, mentioning no one', async () => {
    const slack = await SlackReceiver.start();
    const path = await file(yaml);
    const env = { TARGETS_FILE: path, STATE_STORE: 'memory', SLACK_WEBHOOK_DATA: slack.url };
    const { code, stdout } = await runCli(['test-notification', 'data'], env);
    await slack.close();
    expect([code, stdout]).toEqual([0, 'sent a test message through route data (slack)\n']);
    expect(slack.messages.map((m) => m.text)).toEqual([
      'Test message from gcp-status-poller: route "data" reaches this channel. No action needed.',
    ]);
  });

  it('sends a test message through a Slack app route, and names what Slack refused', async () => {
    const api = await SlackWebApi.start();
    api.joined.add('C0123DATA');
    const path = await file(
      'routes:\n  data: { channel: C0123DATA }\ntargets:\n  - { name: b, kind: push, every: 1d, route: data }\n',
    );
    const env = {
      TARGETS_FILE: path,
      STATE_STORE: 'memory',
      SLACK_BOT_TOKEN: api.token,
      SLACK_API_URL: api.url,
    };
    const sent = await runCli(['test-notification', 'data'], env);
    expect([sent.code, sent.stdout]).toEqual([
      0,
      'sent a test message through route data (slack app, channel C0123DATA)\n',
    ]);
    expect(api.channelMessages('C0123DATA').map((m) => m.text)).toEqual([
      'Test message from gcp-status-poller: route "data" reaches this channel. No action needed.',
    ]);
    api.joined.delete('C0123DATA');
    const refused = await runCli(['test-notification', 'data'], env);
    await api.close();
    expect([refused.code, refused.stderr]).toEqual([
      1,
      'test message not sent: Slack refused chat.postMessage: not_in_channel\n',
    ]);
    expect(sent.stdout + refused.stderr).not.toContain(api.token);
  });

  it('fails, rather than pass, when the route has no webhook here and would only be logged', async () => {
    const path = await file(yaml);
    const { code, stderr } = await runCli(['test-notification'], {
      TARGETS_FILE: path,
      STATE_STORE: 'memory',
      SLACK_WEBHOOK_URL: '',
      SLACK_WEBHOOK_DATA: 'http://127.0.0.1:9/hook',
    });
    expect([code, stderr]).toEqual([
      1,
      'test message not sent: route default has no Slack webhook here (SLACK_WEBHOOK_URL is not set): its messages are only logged\n',
    ]);
  });

  it('goes through a deployed poll function with ?testNotification=, and says what Slack answered', async () => {
    const slack = await SlackReceiver.start();
    const poller = await Poller.start(
      { STATE_STORE: 'memory', SLACK_WEBHOOK_URL: slack.url, SLACK_WEBHOOK_DATA: slack.url },
      yaml,
    );
    const sent = await runCli(['test-notification', '--url', poller.url, '--token', 'an-identity-token']);
    expect([sent.code, sent.stdout]).toEqual([
      0,
      `sent a test message through route default of ${poller.url}\n`,
    ]);
    expect(slack.messages).toHaveLength(1);

    slack.refuseNext(404, 'no_service');
    const refused = await poller.poll('?testNotification=data');
    expect([refused.status, refused.report.error]).toEqual([500, 'Slack answered HTTP 404 (no_service)']);
    expect((await poller.poll('?testNotification=nope')).status).toBe(400);
    expect((await poller.poll('?testNotification=data&dryRun=true')).status).toBe(400);
    // Nothing was stored: the next poll has nothing to send.
    expect((await poller.poll()).report.notifications).toEqual({ sent: 0, pending: 0 });
    await Promise.all([poller.close(), slack.close()]);
  });
});
