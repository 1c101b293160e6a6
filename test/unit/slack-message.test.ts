import { describe, expect, it } from 'vitest';
import type { Notice } from '../../functions/model/notification.ts';
import { escapeSlack, slackMessage } from '../../functions/notify/slack-message.ts';

const base: Notice = {
  target: 'orders-stream',
  kind: 'datastream',
  cause: 'change',
  from: 'RUNNING',
  to: 'FAILED',
  toHealthy: false,
  at: new Date('2026-11-21T09:05:00Z'),
  detail: 'stream errors: BIGQUERY_QUOTA: quota exceeded',
  unhealthySince: new Date('2026-11-21T09:05:00Z'),
  mention: [],
  allowedStates: ['RUNNING', 'STARTING'],
  consoleUrl: null,
  dependents: [],
};
/** The Slack message of one notice, rendered as the notifier does at send time. */
const render = (...notices: Notice[]) => slackMessage({ notices });

describe('a Slack message', () => {
  it('puts the mentions in front of an alert, with target, kind and the state change', () => {
    const { text, blocks } = render({ ...base, mention: ['<!subteam^S0DATA>', '<@U123>'] });
    expect(text).toBe(
      '<!subteam^S0DATA> <@U123> orders-stream (datastream) changed RUNNING → FAILED: stream errors: BIGQUERY_QUOTA: quota exceeded',
    );
    expect(blocks[0]).toEqual({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: '<!subteam^S0DATA> <@U123> :red_circle: *orders-stream* (datastream) changed *RUNNING* → *FAILED*',
      },
    });
    expect(blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: '```stream errors: BIGQUERY_QUOTA: quota exceeded```' },
    });
    expect(JSON.stringify(blocks[2])).toContain('Allowed: RUNNING, STARTING · unhealthy since ');
    expect(JSON.stringify(blocks[2])).toContain(
      '<!date^1795251900^{date_short_pretty} {time_secs}|2026-11-21T09:05:00.000Z>',
    );
  });

  it('says "is" on the first observation', () => {
    expect(render({ ...base, from: null }).text).toMatch(/^orders-stream \(datastream\) is FAILED/);
  });

  it('names the recovered state and how long it was unhealthy, and pings no one', () => {
    const { text } = render({
      ...base,
      from: 'FAILED',
      to: 'RUNNING',
      toHealthy: true,
      at: new Date('2026-11-21T10:35:30Z'),
      detail: '',
      mention: ['<!subteam^S0DATA>'],
    });
    expect(text).toBe('orders-stream (datastream) recovered: RUNNING (was FAILED, unhealthy for 1h 30m)');
  });

  it('escapes what comes from the target, so it can neither ping nor break formatting', () => {
    const { text, blocks } = render({ ...base, detail: '<!channel> & <b>bold</b> ```' });
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(JSON.stringify(blocks)).not.toContain('<!channel>');
    expect(escapeSlack('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });

  it('truncates a detail longer than a Slack section can hold', () => {
    const { blocks } = render({ ...base, detail: 'x'.repeat(10_000) });
    const section = blocks[1] as { text: { text: string } };
    expect(section.text.text.length).toBeLessThanOrEqual(3000);
    expect(section.text.text).toContain('… (truncated)');
  });
});

describe('a reminder', () => {
  it('mentions again and says how long the target has been unhealthy', () => {
    const { text } = render({
      ...base,
      cause: 'reminder',
      from: 'FAILED',
      at: new Date('2026-11-21T11:05:00Z'),
      detail: '',
      mention: ['<!subteam^S0DATA>'],
    });
    expect(text).toBe(
      '<!subteam^S0DATA> orders-stream (datastream) is still FAILED, unhealthy for 2h (reminder)',
    );
  });
});

describe('a grouped message', () => {
  const item = (target: string, mention: string[], toHealthy = false): Notice => ({
    ...base,
    target,
    mention,
    ...(toHealthy ? { to: 'RUNNING', toHealthy: true, from: 'FAILED' } : {}),
  });

  it('puts each mention once at the top, and never the mention of a recovery', () => {
    const { text, blocks } = render(
      item('a', ['<!subteam^S1>']),
      item('b', ['<!subteam^S1>', '<@U2>']),
      item('c', ['<!subteam^S3>'], true),
    );
    expect(text.split('\n')).toEqual([
      '<!subteam^S1> <@U2> 3 targets: 2 unhealthy, 1 recovered',
      '• a (datastream) changed RUNNING → FAILED: stream errors: BIGQUERY_QUOTA: quota exceeded',
      '• b (datastream) changed RUNNING → FAILED: stream errors: BIGQUERY_QUOTA: quota exceeded',
      '• c (datastream) recovered: RUNNING (was FAILED, unhealthy for 0ms): stream errors: BIGQUERY_QUOTA: quota exceeded',
    ]);
    expect(blocks).toHaveLength(4);
  });
});

describe('a notice', () => {
  it('says why it comes: a change, a reminder, or the end of a hold', () => {
    const told = (cause: Notice['cause']) => render({ ...base, cause, detail: '' }).text;
    expect(told('change')).toBe('orders-stream (datastream) changed RUNNING → FAILED');
    expect(told('reminder')).toBe('orders-stream (datastream) is still FAILED, unhealthy for 0ms (reminder)');
    expect(told('hold-ended')).toBe(
      'orders-stream (datastream) is still FAILED (its alert was held back by a silence, a maintenance window or a dependency), unhealthy for 0ms',
    );
  });

  it('links to the resource and names the dependents failing behind it', () => {
    const { blocks } = render({
      ...base,
      consoleUrl: 'https://console.cloud.google.com/x',
      dependents: ['api', 'worker'],
    });
    expect(JSON.stringify(blocks.at(-1))).toContain(
      ' · 2 dependent targets also failing: api, worker · <https://console.cloud.google.com/x|Open in the Cloud console>',
    );
  });
});

describe('an outbox entry written before 0.2', () => {
  it('is sent as the Slack message it already holds', () => {
    const prerendered = {
      text: 'old alert',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'old' } }],
    };
    expect(slackMessage({ prerendered })).toBe(prerendered);
  });
});
