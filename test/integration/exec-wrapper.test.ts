import { execFile } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execWithPings } from '../../cli/exec.ts';
import { runCli } from '../support/cli.ts';
import { listen, type LocalServer } from '../support/http-server.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

const KEY = 'k3y-0123456789abcdef';

describe('gcp-status-poller exec, the wrapper for job hosts', () => {
  let slack: SlackReceiver;
  let poller: Poller;

  beforeEach(async () => {
    slack = await SlackReceiver.start();
    poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: freshProject(), SLACK_WEBHOOK_URL: slack.url, PING_KEY: KEY },
      'targets:\n  - { name: nightly-backup, kind: push, every: 1d, grace: 1h, mention: "<!subteam^S0OPS>" }\n',
    );
  });

  afterEach(async () => {
    await Promise.all([poller.close(), slack.close()]);
  });

  it('pings start and the exit code with the output tail, and exits with the command’s code', async () => {
    const result = await runCli([
      'exec',
      `${poller.pingUrl}/${KEY}/nightly-backup`,
      '--',
      'sh',
      '-c',
      'echo copying; echo "pg_dump: disk full" >&2; exit 3',
    ]);
    expect(result).toMatchObject({ code: 3, stdout: 'copying\n', stderr: 'pg_dump: disk full\n' });
    expect(slack.messages.map((m) => m.text)).toEqual([
      '<!subteam^S0OPS> nightly-backup (push) is FAILED: the job reported a failure, exit code 3: copying',
    ]);
    expect(JSON.stringify(slack.messages[0]?.blocks)).toContain('pg_dump: disk full');
  });

  it('reports success with exit code 0', async () => {
    const result = await runCli(['exec', `${poller.pingUrl}/${KEY}/nightly-backup`, '--', 'true']);
    expect(result.code).toBe(0);
    const { report } = await poller.poll();
    expect(report.targets[0]).toMatchObject({ state: 'UP', healthy: true });
  });

  it('answers 127 and says so when the command does not exist', async () => {
    const result = await runCli([
      'exec',
      `${poller.pingUrl}/${KEY}/nightly-backup`,
      '--',
      'no-such-command-xyz',
    ]);
    expect(result.code).toBe(127);
    expect(slack.messages[0]?.text).toContain(
      'exit code 127: gcp-status-poller: cannot run no-such-command-xyz',
    );
  });

  it('prints its usage and exits 2 when called wrongly', async () => {
    const { code, stderr } = await runCli(['exec', 'http://x']);
    expect(code).toBe(2);
    expect(stderr).toContain('\n  gcp-status-poller exec <ping-url> -- <command> [args...]\n');
  });
});

describe('the wrapper’s pings', () => {
  let server: LocalServer;
  let answers: number[];
  let received: string[];

  beforeEach(async () => {
    received = [];
    server = await listen((req, res) => {
      received.push(req.url ?? '');
      res.writeHead(answers.shift() ?? 200).end();
    });
  });
  afterEach(() => server.close());

  const quiet = () => new PassThrough();

  it('are retried on 5xx until delivered', async () => {
    answers = [503, 502, 200, 200];
    const code = await execWithPings({
      pingUrl: `${server.url}/k/job/`,
      command: 'true',
      args: [],
      retryDelaysMs: [10, 10, 10],
      stdout: quiet(),
      stderr: quiet(),
    });
    expect(code).toBe(0);
    expect(received).toEqual(['/k/job/start', '/k/job/start', '/k/job/start', '/k/job/0']);
  });

  it('never change the exit code, even when they cannot be delivered', async () => {
    answers = [404, 404];
    const stderr = new PassThrough();
    let errors = '';
    stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    const code = await execWithPings({
      pingUrl: `${server.url}/k/job`,
      command: 'sh',
      args: ['-c', 'exit 5'],
      retryDelaysMs: [10],
      stdout: quiet(),
      stderr,
    });
    expect(code).toBe(5);
    expect(received).toEqual(['/k/job/start', '/k/job/5']);
    expect(errors).toContain('ping /start failed: HTTP 404');
  });
});

describe('ping-exec.sh, the wrapper for hosts with a shell and curl only', () => {
  let slack: SlackReceiver;
  let poller: Poller;
  const sh = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile('sh', ['cli/ping-exec.sh', ...args], (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
      });
    });

  beforeEach(async () => {
    slack = await SlackReceiver.start();
    poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: freshProject(), SLACK_WEBHOOK_URL: slack.url, PING_KEY: KEY },
      'targets:\n  - { name: nightly-backup, kind: push, every: 1d, grace: 1h }\n',
    );
  });

  afterEach(async () => {
    await Promise.all([poller.close(), slack.close()]);
  });

  it('pings start and the exit code with the output tail, and exits with the command’s code', async () => {
    const url = `${poller.pingUrl}/${KEY}/nightly-backup/`;
    const result = await sh([url, '--', 'sh', '-c', 'echo copying; echo "pg_dump: disk full" >&2; exit 3']);
    expect(result).toMatchObject({ code: 3, stdout: 'copying\npg_dump: disk full\n' });
    expect(slack.messages.map((m) => m.text)).toEqual([
      'nightly-backup (push) is FAILED: the job reported a failure, exit code 3: copying',
    ]);
    expect(JSON.stringify(slack.messages[0]?.blocks)).toContain('pg_dump: disk full');
  });

  it('reports success with exit code 0, and 127 when the command does not exist', async () => {
    const url = `${poller.pingUrl}/${KEY}/nightly-backup`;
    expect((await sh([url, '--', 'true'])).code).toBe(0);
    expect((await poller.poll()).report.targets[0]).toMatchObject({ state: 'UP', healthy: true });
    expect((await sh([url, '--', 'no-such-command-xyz'])).code).toBe(127);
    expect(slack.messages.at(-1)?.text).toMatch(
      /^nightly-backup \(push\) changed .* → FAILED: the job reported a failure, exit code 127: .*not found/,
    );
  });

  it('says why a ping failed on stderr, and still exits with the command’s code', async () => {
    const result = await sh(['http://127.0.0.1:9/nowhere', '--', 'sh', '-c', 'exit 0']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('ping-exec: ping /start failed');
  }, 30_000);

  it('prints its usage and exits 2 when called wrongly', async () => {
    expect(await sh(['http://x'])).toMatchObject({
      code: 2,
      stderr: 'usage: ping-exec.sh <ping-url> -- <command> [args...]\n',
    });
  });
});
