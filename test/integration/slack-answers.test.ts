import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../functions/notify/notifier.ts';
import { SlackWebhookNotifier } from '../../functions/notify/slack-webhook.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

const message = {
  notices: [
    {
      target: 'orders-stream',
      kind: 'datastream' as const,
      cause: 'change' as const,
      from: null,
      to: 'FAILED',
      toHealthy: false,
      at: new Date('2026-11-21T09:05:00Z'),
      detail: '',
      unhealthySince: new Date('2026-11-21T09:05:00Z'),
      mention: [],
      allowedStates: ['RUNNING'],
      consoleUrl: null,
      dependents: [],
    },
  ],
};
const text = 'orders-stream (datastream) is FAILED';
const inAMinute = () => new Date(Date.now() + 60_000);

describe('Slack’s answers, through the real @slack/webhook client', () => {
  let slack: SlackReceiver;
  const waited: number[] = [];
  const sleep = (ms: number) => {
    waited.push(ms);
    return Promise.resolve();
  };

  beforeAll(async () => {
    slack = await SlackReceiver.start();
  });
  afterAll(() => slack.close());

  it('waits out a 429’s Retry-After when it fits in the poll, then delivers', async () => {
    slack.refuseNext(429, 'rate_limited', 1, { 'retry-after': '3' });
    await new SlackWebhookNotifier(slack.url, { sleep }).send(message, inAMinute());
    expect(waited).toEqual([3000]);
    expect(slack.messages.at(-1)?.text).toBe(text);
  });

  it('leaves the message pending when Retry-After is longer than the poll can wait', async () => {
    slack.refuseNext(429, 'rate_limited', 1, { 'retry-after': '120' });
    const sent = slack.messages.length;
    await expect(new SlackWebhookNotifier(slack.url, { sleep }).send(message, inAMinute())).rejects.toThrow(
      new DeliveryError('Slack answered HTTP 429 (rate_limited), retry after 120s', false),
    );
    expect(slack.messages).toHaveLength(sent);
  });

  it.each([
    [410, 'channel_is_archived', true],
    [404, 'no_service', true],
    [403, 'invalid_token', true],
    [400, 'invalid_blocks', true],
    [500, 'rollup_error', false],
  ])('tells a %i (%s) apart: permanent %s', async (status, reason, permanent) => {
    slack.refuseNext(status, reason);
    const error = await new SlackWebhookNotifier(slack.url, { sleep }).send(message, inAMinute()).then(
      () => null,
      (e: unknown) => e as DeliveryError,
    );
    expect(error?.message).toBe(`Slack answered HTTP ${status} (${reason})`);
    expect(error?.permanent).toBe(permanent);
  });

  it('says why when Slack cannot be reached, without the webhook URL', async () => {
    const closed = await SlackReceiver.start();
    const url = closed.url;
    await closed.close();
    const error = await new SlackWebhookNotifier(url, { sleep }).send(message, inAMinute()).then(
      () => null,
      (e: unknown) => e as DeliveryError,
    );
    expect(error?.message).toBe('Slack unreachable: connection refused (ECONNREFUSED)');
    expect(error?.message).not.toContain('SECRET');
  });

  it('waits out a Retry-After only when it fits before the delivery deadline', async () => {
    slack.refuseNext(429, 'rate_limited', 1, { 'retry-after': '20' });
    waited.length = 0;
    const error = await new SlackWebhookNotifier(slack.url, { sleep })
      .send(message, new Date(Date.now() + 10_000))
      .then(
        () => null,
        (e: unknown) => e as DeliveryError,
      );
    expect(error?.message).toBe('Slack answered HTTP 429 (rate_limited), retry after 20s');
    expect(waited).toEqual([]);
  });

  it('gives up on a hanging Slack by the delivery deadline, and starts nothing past it', async () => {
    slack.hangNext();
    const error = await new SlackWebhookNotifier(slack.url, { sleep })
      .send(message, new Date(Date.now() + 1_000))
      .then(
        () => null,
        (e: unknown) => e as DeliveryError,
      );
    expect(error?.message).toMatch(/^Slack unreachable: timed out after \d+(ms|s)$/);
    expect(error?.permanent).toBe(false);
    const requests = slack.requests;
    const late = await new SlackWebhookNotifier(slack.url, { sleep }).send(message, new Date()).then(
      () => null,
      (e: unknown) => e as DeliveryError,
    );
    expect(late?.message).toBe('no time left in this delivery to reach Slack');
    expect(slack.requests).toBe(requests);
  });
});
