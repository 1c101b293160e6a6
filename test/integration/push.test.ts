import { Firestore } from '@google-cloud/firestore';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PING_SLOTS } from '../../functions/store/shared.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

const KEY = 'k3y-0123456789abcdef';
const HOUR = 3_600_000;

describe('push targets: pings, lateness and alerts, against the Firestore emulator', () => {
  let slack: SlackReceiver;
  let poller: Poller;
  let project: string;
  let now: Date;
  const advance = (millis: number) => {
    now = new Date(now.getTime() + millis);
  };

  beforeEach(async () => {
    slack = await SlackReceiver.start();
    project = freshProject();
    now = new Date('2026-11-21T00:00:00Z');
    poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: project, SLACK_WEBHOOK_URL: slack.url, PING_KEY: KEY },
      `
defaults: { mention: "<!subteam^S0OPS>" }
targets:
  - { name: nightly-backup, kind: push, every: 1d, grace: 2h }
  - { name: reminded, kind: push, every: 1h, grace: 10m, remindEvery: 2h }
  - { name: hourly-sync, kind: push, schedule: "5 * * * *", timezone: Asia/Tokyo, grace: 10m, maxRuntime: 30m }
  - { name: web, kind: cluster-heartbeat, url: "http://127.0.0.1:9/never-polled-here" }
`,
      { clock: () => now },
    );
  });

  afterEach(async () => {
    await Promise.all([poller.close(), slack.close()]);
  });

  const pushStates = async () =>
    Object.fromEntries(
      (await poller.poll('?target=nightly-backup&target=hourly-sync&target=reminded')).report.targets.map(
        (t) => [t.name, t.state],
      ),
    );

  it('keeps a never-pinged target NEW and silent', async () => {
    expect(await pushStates()).toEqual({ 'nightly-backup': 'NEW', 'hourly-sync': 'NEW', reminded: 'NEW' });
    advance(48 * HOUR);
    expect(await pushStates()).toEqual({ 'nightly-backup': 'NEW', 'hourly-sync': 'NEW', reminded: 'NEW' });
    expect(slack.messages).toHaveLength(0);
  });

  it('alerts once when a ping is missed, and recovers on the next ping', async () => {
    expect(await poller.ping(`/${KEY}/nightly-backup`)).toEqual({ status: 200, body: 'OK\n' });
    expect((await pushStates())['nightly-backup']).toBe('UP');

    advance(25 * HOUR);
    expect((await pushStates())['nightly-backup']).toBe('LATE');
    expect(slack.messages).toHaveLength(0);

    advance(2 * HOUR);
    expect((await pushStates())['nightly-backup']).toBe('DOWN');
    expect((await pushStates())['nightly-backup']).toBe('DOWN');
    expect(slack.messages.map((m) => m.text)).toEqual([
      '<!subteam^S0OPS> nightly-backup (push) changed LATE → DOWN: no ping since 2026-11-21T00:00:00.000Z; was due 2026-11-22T00:00:00.000Z, grace of 2h passed',
    ]);

    advance(HOUR);
    await poller.ping(`/${KEY}/nightly-backup`, { method: 'POST', body: 'backup done: 42 GB' });
    expect((await pushStates())['nightly-backup']).toBe('UP');
    expect(slack.messages[1]?.text).toBe(
      'nightly-backup (push) recovered: UP (was DOWN, unhealthy for 1h): last ping just now: backup done: 42 GB',
    );
  });

  it('alerts at once on /fail, with the job’s message, and the next poll does not repeat it', async () => {
    await poller.ping(`/${KEY}/nightly-backup`);
    await pushStates();
    advance(HOUR);
    const failed = await poller.ping(`/${KEY}/nightly-backup/fail`, {
      method: 'POST',
      body: 'backup failed: disk full\n',
    });
    expect(failed.status).toBe(200);
    expect(slack.messages.map((m) => m.text)).toEqual([
      '<!subteam^S0OPS> nightly-backup (push) changed UP → FAILED: the job reported a failure: backup failed: disk full',
    ]);
    expect((await pushStates())['nightly-backup']).toBe('FAILED');
    expect(slack.messages).toHaveLength(1);
  });

  it.each([
    ['a non-zero exit code', '/2', 'the job reported a failure, exit code 2'],
    [
      'Tianji’s status=down with msg and value',
      '?status=down&msg=quota%20exceeded&value=7',
      'the job reported a failure, value 7: quota exceeded',
    ],
  ])('treats %s as a failure', async (_, suffix, detail) => {
    await poller.ping(`/${KEY}/hourly-sync${suffix}`);
    expect(slack.messages[0]?.text).toContain(`hourly-sync (push) is FAILED: ${detail}`);
  });

  it('takes GET, HEAD and POST, an exit code 0 as success, and /start as a run in progress', async () => {
    expect((await poller.ping(`/${KEY}/hourly-sync/start`, { method: 'HEAD' })).status).toBe(200);
    expect((await pushStates())['hourly-sync']).toBe('STARTED');
    advance(31 * 60_000);
    expect((await pushStates())['hourly-sync']).toBe('DOWN');
    expect((await poller.ping(`/${KEY}/hourly-sync/0`, { method: 'POST', body: '' })).status).toBe(200);
    expect((await pushStates())['hourly-sync']).toBe('UP');
  });

  it.each([
    ['a wrong key', '/wrong-key-0123456789/nightly-backup'],
    ['an unknown target', `/${KEY}/no-such-job`],
    ['a target that is not a push target', `/${KEY}/web`],
    ['a malformed suffix', `/${KEY}/nightly-backup/later`],
  ])('answers 404, saying nothing more, to %s', async (_, path) => {
    expect(await poller.ping(path)).toEqual({ status: 404, body: 'not found\n' });
  });

  it('takes 50 concurrent failure pings to one target, alerting once, in a document of bounded size', async () => {
    await poller.ping(`/${KEY}/nightly-backup`);
    await pushStates();
    advance(HOUR);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        poller.ping(`/${KEY}/nightly-backup/fail`, { method: 'POST', body: `ping ${i}` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array.from({ length: 50 }, () => 200));

    const failureAlerts = slack.messages.filter((m) => m.text.includes('→ FAILED'));
    expect(failureAlerts).toHaveLength(1);

    const db = new Firestore({ projectId: project });
    const stored = await db.collection('pings').doc('nightly-backup').get();
    const slots = Object.values(stored.get('slots') as Record<string, { message: string }>);
    expect(slots.length).toBeGreaterThan(1);
    expect(slots.length).toBeLessThanOrEqual(PING_SLOTS);
    expect(slots.map((p) => p.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^ping \d+$/)]),
    );
    expect(stored.get('lastSuccess')).toBeDefined();
    expect(stored.get('lastFailure')).toBeDefined();
    await db.terminate();
  });

  it('reminds every remindEvery while still DOWN, and stops after the recovery', async () => {
    await poller.ping(`/${KEY}/reminded`);
    await pushStates();
    const texts = () => slack.messages.map((m) => m.text.split(':')[0]);

    advance(HOUR + 11 * 60_000);
    await pushStates();
    expect(texts()).toEqual(['<!subteam^S0OPS> reminded (push) changed UP → DOWN']);

    for (const minutes of [60, 59]) {
      advance(minutes * 60_000);
      await pushStates();
    }
    expect(texts()).toHaveLength(1);
    advance(60_000);
    await pushStates();
    await pushStates();
    expect(slack.messages.at(-1)?.text).toBe(
      '<!subteam^S0OPS> reminded (push) is still DOWN, unhealthy for 2h (reminder): ' +
        'no ping since 2026-11-21T00:00:00.000Z; was due 2026-11-21T01:00:00.000Z, grace of 10m passed',
    );

    await poller.ping(`/${KEY}/reminded`);
    await pushStates();
    advance(5 * HOUR);
    await poller.ping(`/${KEY}/reminded`);
    await pushStates();
    expect(texts()).toEqual([
      '<!subteam^S0OPS> reminded (push) changed UP → DOWN',
      '<!subteam^S0OPS> reminded (push) is still DOWN, unhealthy for 2h (reminder)',
      'reminded (push) recovered',
    ]);
  });
});
