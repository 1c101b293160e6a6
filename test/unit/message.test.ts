import { describe, expect, it } from 'vitest';
import type { Transition } from '../../functions/model.ts';
import { buildMessage, buildMessages, escapeSlack } from '../../functions/notify/message.ts';

const allowedStates = ['RUNNING', 'STARTING'];
const base: Transition = {
  target: 'orders-stream',
  kind: 'datastream',
  from: 'RUNNING',
  fromHealthy: true,
  to: 'FAILED',
  toHealthy: false,
  at: new Date('2026-11-21T09:05:00Z'),
  detail: 'stream errors: BIGQUERY_QUOTA: quota exceeded',
  unhealthySince: new Date('2026-11-21T09:05:00Z'),
  notify: true,
};

describe('a Slack message', () => {
  it('puts the mentions in front of an alert, with target, kind and the state change', () => {
    const { text, blocks } = buildMessage(base, { mention: ['<!subteam^S0DATA>', '<@U123>'], allowedStates });
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
    expect(
      buildMessage({ ...base, from: null, fromHealthy: null }, { mention: [], allowedStates }).text,
    ).toMatch(/^orders-stream \(datastream\) is FAILED/);
  });

  it('names the recovered state and how long it was unhealthy, and pings no one', () => {
    const { text } = buildMessage(
      {
        ...base,
        from: 'FAILED',
        fromHealthy: false,
        to: 'RUNNING',
        toHealthy: true,
        at: new Date('2026-11-21T10:35:30Z'),
        detail: '',
      },
      { mention: ['<!subteam^S0DATA>'], allowedStates },
    );
    expect(text).toBe('orders-stream (datastream) recovered: RUNNING (was FAILED, unhealthy for 1h 30m)');
  });

  it('escapes what comes from the target, so it can neither ping nor break formatting', () => {
    const { text, blocks } = buildMessage(
      { ...base, detail: '<!channel> & <b>bold</b> ```' },
      { mention: [], allowedStates },
    );
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;b&gt;bold&lt;/b&gt;');
    expect(JSON.stringify(blocks)).not.toContain('<!channel>');
    expect(escapeSlack('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });

  it('truncates a detail longer than a Slack section can hold', () => {
    const { blocks } = buildMessage({ ...base, detail: 'x'.repeat(10_000) }, { mention: [], allowedStates });
    const section = blocks[1] as { text: { text: string } };
    expect(section.text.text.length).toBeLessThanOrEqual(3000);
    expect(section.text.text).toContain('… (truncated)');
  });
});

describe('a reminder', () => {
  it('mentions again and says how long the target has been unhealthy', () => {
    const { text } = buildMessage(
      {
        ...base,
        from: 'FAILED',
        fromHealthy: false,
        at: new Date('2026-11-21T11:05:00Z'),
        reminder: true,
        detail: '',
      },
      { mention: ['<!subteam^S0DATA>'], allowedStates },
    );
    expect(text).toBe(
      '<!subteam^S0DATA> orders-stream (datastream) is still FAILED, unhealthy for 2h (reminder)',
    );
  });
});

describe('a grouped message', () => {
  const item = (target: string, mention: string[], toHealthy = false) => ({
    transition: { ...base, target, ...(toHealthy ? { to: 'RUNNING', toHealthy: true, from: 'FAILED' } : {}) },
    target: { mention, allowedStates },
  });

  it('is the single message when there is one transition', () => {
    const one = item('orders-stream', ['<!here>']);
    expect(buildMessages([one])).toEqual(buildMessage(one.transition, one.target));
  });

  it('puts each mention once at the top, and never the mention of a recovery', () => {
    const { text, blocks } = buildMessages([
      item('a', ['<!subteam^S1>']),
      item('b', ['<!subteam^S1>', '<@U2>']),
      item('c', ['<!subteam^S3>'], true),
    ]);
    expect(text.split('\n')).toEqual([
      '<!subteam^S1> <@U2> 3 targets: 2 unhealthy, 1 recovered',
      '• a (datastream) changed RUNNING → FAILED: stream errors: BIGQUERY_QUOTA: quota exceeded',
      '• b (datastream) changed RUNNING → FAILED: stream errors: BIGQUERY_QUOTA: quota exceeded',
      '• c (datastream) recovered: RUNNING (was FAILED, unhealthy for 0ms): stream errors: BIGQUERY_QUOTA: quota exceeded',
    ]);
    expect(blocks).toHaveLength(4);
  });
});
