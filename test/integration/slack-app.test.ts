import { Firestore, type Timestamp } from '@google-cloud/firestore';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EVENT_TYPE } from '../../functions/notify/slack-app.ts';
import { GoogleFake } from '../support/google-fake.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';
import { SlackWebApi, type PostedMessage } from '../support/slack-web-api.ts';

const CHANNEL = 'C0123DATA';
const stream = (id: string) => `projects/acme-data/locations/asia-northeast1/streams/${id}`;

/** Two streams on the app's channel (the default route), one on an incoming webhook. */
const TARGETS = `
routes: { ops: SLACK_WEBHOOK_OPS }
defaults:
  mention: "<!subteam^S0DATA>"
  remindEvery: 4h
  timeout: 2s
targets:
  - { name: orders, kind: datastream, project: acme-data, location: asia-northeast1, stream: orders }
  - { name: users, kind: datastream, project: acme-data, location: asia-northeast1, stream: users }
  - { name: billing, kind: datastream, project: acme-data, location: asia-northeast1, stream: billing, route: ops }
`;

/** Everything a person reads in a message: its blocks' texts and their context lines. */
const text = (m: PostedMessage) =>
  [m.text, ...m.blocks.flatMap((b) => [b.text?.text ?? '', ...(b.elements ?? []).map((e) => e.text)])].join(
    '\n',
  );

describe('the Slack app: one message per incident, its story in the thread', () => {
  let slack: SlackWebApi;
  let webhook: SlackReceiver;
  let google: GoogleFake;
  let poller: Poller;
  let env: Record<string, string>;
  let now: Date;
  const later = (ms: number) => {
    now = new Date(now.getTime() + ms);
  };

  beforeEach(async () => {
    [slack, webhook, google] = await Promise.all([
      SlackWebApi.start(),
      SlackReceiver.start(),
      GoogleFake.start(),
    ]);
    slack.joined.add(CHANNEL);
    for (const id of ['orders', 'users', 'billing']) google.put(stream(id), { state: 'RUNNING' });
    now = new Date();
    env = {
      GOOGLE_CLOUD_PROJECT: freshProject(),
      DATASTREAM_API_URL: google.url,
      SLACK_BOT_TOKEN: slack.token,
      SLACK_CHANNEL: CHANNEL,
      SLACK_API_URL: slack.url,
      SLACK_WEBHOOK_OPS: webhook.url,
    };
    poller = await Poller.start(env, TARGETS, { clock: () => now });
    await poller.poll();
  });

  afterEach(async () => {
    await Promise.all([poller.close(), slack.close(), webhook.close(), google.close()]);
  });

  it('opens an incident with one message: the mention, the state, the detail and the console link', async () => {
    google.put(stream('orders'), {
      state: 'FAILED',
      errors: [{ reason: 'BIGQUERY_QUOTA', message: 'quota exceeded' }],
    });
    const { report } = await poller.poll();
    expect(report.notifications).toEqual({ sent: 1, pending: 0 });
    const [message, ...others] = slack.channelMessages(CHANNEL);
    expect(others).toEqual([]);
    expect(text(message as PostedMessage)).toMatch(
      /<!subteam\^S0DATA> :red_circle: \*orders\* \(datastream\) changed \*RUNNING\* → \*FAILED\*/,
    );
    expect(text(message as PostedMessage)).toContain('quota exceeded');
    expect(text(message as PostedMessage)).toContain(
      'https://console.cloud.google.com/datastream/streams/locations/asia-northeast1/instances/orders',
    );
    expect(message?.metadata).toMatchObject({ event_type: EVENT_TYPE, event_payload: { step: 'open' } });
    // Kept 90 days, like the transitions (terraform/firestore-ttl.tf deletes it after).
    const db = new Firestore({ projectId: env['GOOGLE_CLOUD_PROJECT'] ?? '' });
    const [stored] = (await db.collection('incidents').get()).docs;
    await db.terminate();
    expect((stored?.get('expireAt') as Timestamp | undefined)?.toMillis()).toBeGreaterThan(
      Date.now() + 89 * 86_400_000,
    );
  });

  it('tells a reminder and a further change in the thread, and leaves the message as it was', async () => {
    google.put(stream('orders'), { state: 'FAILED' });
    await poller.poll();
    later(5 * 3_600_000);
    await poller.poll(); // the reminder
    google.put(stream('orders'), { state: 'PAUSED' });
    await poller.poll(); // FAILED → PAUSED
    const [root] = slack.channelMessages(CHANNEL);
    expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
    expect(root?.edits).toEqual([]);
    const replies = slack.replies(root as PostedMessage).map(text);
    expect(replies).toHaveLength(2);
    expect(replies[0]).toMatch(/is still \*FAILED\*.*\(reminder\)/);
    expect(replies[1]).toMatch(/changed \*FAILED\* → \*PAUSED\*/);
  });

  it('replies in the thread with the alert a silence held back, once the silence ends', async () => {
    google.put(stream('orders'), { state: 'FAILED' });
    await poller.poll();
    await poller.poll('?silence=orders&for=1h');
    google.put(stream('orders'), { state: 'PAUSED' });
    await poller.poll(); // held back
    const [root] = slack.channelMessages(CHANNEL);
    expect(slack.replies(root as PostedMessage)).toHaveLength(0);
    later(2 * 3_600_000);
    await poller.poll();
    expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
    expect(slack.replies(root as PostedMessage).map(text)).toEqual([
      expect.stringMatching(/is still \*PAUSED\*.*held back/),
    ]);
  });

  it('edits the message on recovery (resolved, how long, the states it went through) and says so in the thread', async () => {
    google.put(stream('orders'), { state: 'FAILED' });
    await poller.poll();
    later(10 * 60_000);
    google.put(stream('orders'), { state: 'PAUSED' });
    await poller.poll();
    later(20 * 60_000);
    google.put(stream('orders'), { state: 'RUNNING' });
    await poller.poll();
    const [root, ...others] = slack.channelMessages(CHANNEL);
    expect(others).toEqual([]);
    expect(text(root as PostedMessage)).toMatch(/\*Resolved\*/);
    expect(text(root as PostedMessage)).toMatch(/\*orders\* recovered after 30m: FAILED → PAUSED → RUNNING/);
    expect(root?.edits.length).toBeGreaterThan(0);
    const replies = slack.replies(root as PostedMessage).map(text);
    expect(replies.at(-1)).toMatch(/\*orders\* \(datastream\) recovered: \*RUNNING\*/);
  });

  it('makes an edit that failed on the next poll, and tells the recovery once', async () => {
    google.put(stream('orders'), { state: 'FAILED' });
    await poller.poll();
    google.put(stream('orders'), { state: 'RUNNING' });
    slack.refuseNext('chat.update', { error: 'service_unavailable' });
    const failed = await poller.poll();
    expect(failed.report.notifications.pending).toBe(1);
    const again = await poller.poll();
    expect(again.report.notifications).toEqual({ sent: 1, pending: 0 });
    const [root, ...others] = slack.channelMessages(CHANNEL);
    expect(others).toEqual([]);
    expect(text(root as PostedMessage)).toMatch(/\*Resolved\*/);
    expect(slack.replies(root as PostedMessage)).toHaveLength(1);
  });

  it('opens a new incident when someone deleted the message of the open one', async () => {
    google.put(stream('orders'), { state: 'FAILED' });
    await poller.poll();
    slack.deleteMessage(slack.channelMessages(CHANNEL)[0] as PostedMessage);
    google.put(stream('orders'), { state: 'PAUSED' });
    const { report } = await poller.poll();
    expect(report.notifications).toEqual({ sent: 1, pending: 0 });
    const [root, ...others] = slack.channelMessages(CHANNEL);
    expect(others).toEqual([]);
    expect(text(root as PostedMessage)).toMatch(/changed \*FAILED\* → \*PAUSED\*/);
    google.put(stream('orders'), { state: 'RUNNING' });
    await poller.poll();
    expect(text(slack.channelMessages(CHANNEL)[0] as PostedMessage)).toMatch(/\*Resolved\*/);
  });

  it('tells a recovery in its own incident, however the target moved through incidents since', async () => {
    google.put(stream('orders'), { state: 'FAILED' });
    google.put(stream('users'), { state: 'FAILED' });
    await poller.poll(); // incident 1: orders and users
    google.put(stream('users'), { state: 'RUNNING' });
    await poller.poll();
    google.put(stream('users'), { state: 'FAILED' });
    await poller.poll(); // incident 2: users again
    google.put(stream('orders'), { state: 'RUNNING' });
    await poller.poll(); // closes incident 1, and leaves users in incident 2
    google.put(stream('users'), { state: 'RUNNING' });
    await poller.poll();
    const [first, second, ...others] = slack.channelMessages(CHANNEL);
    expect(others).toEqual([]);
    expect(text(first as PostedMessage)).toMatch(/\*Resolved\*: all 2 targets recovered/);
    expect(text(second as PostedMessage)).toMatch(/\*Resolved\*/);
    expect(slack.replies(second as PostedMessage).map(text)).toEqual([
      expect.stringMatching(/\*users\* .*recovered/),
    ]);
  });

  it('sends again only what did not go out, when one message tells two incidents and fails half-way', async () => {
    google.put(stream('orders'), { state: 'FAILED' });
    await poller.poll();
    google.put(stream('users'), { state: 'FAILED' });
    await poller.poll();
    google.put(stream('orders'), { state: 'RUNNING' });
    google.put(stream('users'), { state: 'RUNNING' });
    // The reply to the first incident goes out, the one to the second does not.
    slack.refuseNext('chat.postMessage', { error: 'internal_error' }, { after: 1 });
    expect((await poller.poll()).report.notifications.pending).toBe(1);
    expect((await poller.poll()).report.notifications).toEqual({ sent: 1, pending: 0 });
    const incidents = slack.channelMessages(CHANNEL);
    expect(incidents).toHaveLength(2);
    for (const incident of incidents) {
      expect(text(incident)).toMatch(/\*Resolved\*/);
      expect(slack.replies(incident)).toHaveLength(1);
    }
  });

  it('keeps a grouped alert as one incident whose lines recover one by one', async () => {
    google.put(stream('orders'), { state: 'FAILED' });
    google.put(stream('users'), { state: 'FAILED' });
    await poller.poll();
    expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
    later(5 * 60_000);
    google.put(stream('users'), { state: 'RUNNING' });
    await poller.poll();
    const [root] = slack.channelMessages(CHANNEL);
    expect(text(root as PostedMessage)).toMatch(/1 of 2 targets recovered/);
    expect(text(root as PostedMessage)).toMatch(/\*users\* recovered after 5m: FAILED → RUNNING/);
    expect(text(root as PostedMessage)).not.toMatch(/Resolved/);
    later(5 * 60_000);
    google.put(stream('orders'), { state: 'RUNNING' });
    await poller.poll();
    expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
    expect(text(slack.channelMessages(CHANNEL)[0] as PostedMessage)).toMatch(
      /\*Resolved\*: all 2 targets recovered/,
    );
    expect(slack.replies(root as PostedMessage)).toHaveLength(2);
  });

  it('posts no second message when Slack took the first and the answer was lost', async () => {
    slack.dropAnswerOfNext('chat.postMessage');
    google.put(stream('orders'), { state: 'FAILED' });
    const first = await poller.poll();
    expect(first.report.notifications).toEqual({ sent: 0, pending: 1 });
    expect(slack.channelMessages(CHANNEL)).toHaveLength(1); // Slack has it; the poller does not know.
    const second = await poller.poll();
    expect(second.report.notifications).toEqual({ sent: 1, pending: 0 });
    expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    // It is the incident all the same: the recovery edits it.
    google.put(stream('orders'), { state: 'RUNNING' });
    await poller.poll();
    expect(text(slack.channelMessages(CHANNEL)[0] as PostedMessage)).toMatch(/\*Resolved\*/);
  });

  it('posts no second message when its sender died between Slack taking it and recording it', async () => {
    slack.hangAfterCarryingOutNext('chat.postMessage');
    google.put(stream('orders'), { state: 'FAILED' });
    // This instance dies in the middle of its delivery: its poll never ends, its lease is left.
    void poller.poll().catch(() => undefined);
    for (let i = 0; i < 200 && slack.channelMessages(CHANNEL).length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
    // Another instance, once the lease (60 s) has run out.
    const successor = await Poller.start(env, TARGETS, { clock: () => new Date(now.getTime() + 120_000) });
    try {
      const { report } = await successor.poll();
      expect(report.notifications).toEqual({ sent: 1, pending: 0 });
      expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
      expect(slack.calls.filter((c) => c.method === 'chat.postMessage')).toHaveLength(1);
    } finally {
      await successor.close();
    }
  });

  it('sends nothing while it cannot look for what it may have sent (a scope missing), and says so', async () => {
    slack.dropAnswerOfNext('chat.postMessage');
    google.put(stream('orders'), { state: 'FAILED' });
    await poller.poll();
    slack.refuseNext('conversations.history', {
      error: 'missing_scope',
      extra: { needed: 'channels:history' },
    });
    const second = await poller.poll();
    expect(second.report.notifications.pending).toBe(1);
    expect(second.report.error).toContain(
      'Slack refused conversations.history: missing_scope (needs channels:history)',
    );
    await poller.poll();
    expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
  });

  it('waits out a 429 within the delivery budget, then sends once', async () => {
    slack.refuseNext('chat.postMessage', { status: 429, retryAfter: 1 });
    google.put(stream('orders'), { state: 'FAILED' });
    const { report } = await poller.poll();
    expect(report.notifications).toEqual({ sent: 1, pending: 0 });
    expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
  });

  it('keeps the message for the next poll when Slack asks to wait longer than the delivery can', async () => {
    slack.refuseNext('chat.postMessage', { status: 429, retryAfter: 120 });
    google.put(stream('orders'), { state: 'FAILED' });
    const { report } = await poller.poll();
    expect(report.notifications).toEqual({ sent: 0, pending: 1 });
    expect(report.error).toContain('Slack rate-limited chat.postMessage, retry after 120s');
    expect(slack.channelMessages(CHANNEL)).toEqual([]);
    await poller.poll();
    expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
  });

  it.each(['channel_not_found', 'not_in_channel', 'invalid_auth', 'account_inactive', 'is_archived'])(
    'names %s, keeps the message for later and never shows the token',
    async (error) => {
      slack.refuseNext('chat.postMessage', { error });
      google.put(stream('orders'), { state: 'FAILED' });
      const { report, raw } = await poller.poll();
      expect(report.notifications).toEqual({ sent: 0, pending: 1 });
      expect(report.error).toContain(`Slack refused chat.postMessage: ${error}`);
      // Logged as what needs a person: retrying alone will not get it through.
      expect(poller.logs.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual(
        expect.objectContaining({ severity: 'ERROR', permanent: true }),
      );
      expect(raw + poller.logs.join('\n')).not.toContain(slack.token);
      await poller.poll();
      expect(slack.channelMessages(CHANNEL)).toHaveLength(1);
    },
  );

  it('leaves incoming-webhook routes as they were: a plain message per change', async () => {
    google.put(stream('billing'), { state: 'FAILED' });
    await poller.poll();
    google.put(stream('billing'), { state: 'RUNNING' });
    await poller.poll();
    expect(webhook.messages.map((m) => m.text)).toEqual([
      expect.stringMatching(/^<!subteam\^S0DATA> billing \(datastream\) changed RUNNING → FAILED/),
      expect.stringMatching(/billing \(datastream\) recovered: RUNNING/),
    ]);
    expect(slack.messages).toEqual([]);
  });

  it('sends a test message through the app', async () => {
    const { report } = await poller.poll('?testNotification=default');
    expect(report.ok).toBe(true);
    expect(slack.channelMessages(CHANNEL).map(text)).toEqual([
      expect.stringMatching(/Test message from gcp-status-poller/),
    ]);
  });
});
