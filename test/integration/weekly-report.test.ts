import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { weekStart } from '../../functions/app/reports.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

const KEY = 'k3y-0123456789abcdef';

const yaml = `
routes:
  data: { webhook: SLACK_WEBHOOK_DATA, report: weekly }
targets:
  - { name: orders, kind: push, every: 1d, grace: 1h, route: data }
  - { name: invoices, kind: push, every: 1d, grace: 1h, route: data }
  - { name: billing, kind: push, every: 1d, grace: 1h }
`;

/** Weekly reports, against the emulator and the real webhook client, with a clock the test moves. */
describe('a weekly report per route', () => {
  let alerts: SlackReceiver;
  let data: SlackReceiver;
  let poller: Poller;
  let project: string;
  let now: Date;
  const at = (iso: string) => {
    now = new Date(iso);
  };
  /** The poller's environment: both webhooks, the emulator project of this test. */
  const env = () => ({
    GOOGLE_CLOUD_PROJECT: project,
    SLACK_WEBHOOK_URL: alerts.url,
    SLACK_WEBHOOK_DATA: data.url,
    PING_KEY: KEY,
  });
  const text = (message: { blocks: { text?: { text: string } }[] } | undefined) =>
    message?.blocks.map((b) => b.text?.text ?? '').join('\n') ?? '';

  beforeEach(async () => {
    [alerts, data] = await Promise.all([SlackReceiver.start(), SlackReceiver.start()]);
    project = freshProject();
    now = new Date('2026-11-16T00:00:00Z');
    poller = await Poller.start(env(), yaml, { clock: () => now });
  });

  afterEach(async () => {
    await Promise.all([poller.close(), alerts.close(), data.close()]);
  });

  /** A week of orders: down on Wednesday for two hours; invoices and billing up throughout. */
  async function aWeek(): Promise<void> {
    at('2026-11-16T00:00:00Z');
    for (const name of ['orders', 'invoices', 'billing']) await poller.ping(`/${KEY}/${name}`);
    await poller.poll();
    at('2026-11-18T10:00:00Z');
    await poller.ping(`/${KEY}/orders/fail`);
    at('2026-11-18T12:00:00Z');
    await poller.ping(`/${KEY}/orders`);
    at('2026-11-22T23:00:00Z');
    for (const name of ['orders', 'invoices', 'billing']) await poller.ping(`/${KEY}/${name}`);
    await poller.poll();
  }

  it('sends the week just ended on the first poll of Monday: uptime, the worst first, and the incidents', async () => {
    await aWeek();
    const beforeMonday = data.messages.length;
    expect(data.messages.map((m) => m.text).filter((t) => t.startsWith('Weekly report'))).toEqual([]);

    at('2026-11-23T00:05:00Z');
    expect((await poller.poll()).status).toBe(200);
    expect(data.messages).toHaveLength(beforeMonday + 1);
    const report = data.messages.at(-1);
    // 2 of 2 × 168 hours down: 1 - 2 / 336.
    expect(report?.text).toBe(
      'Weekly report 2026-11-16 to 2026-11-22, route data: 99.40% uptime, 1 incident',
    );
    expect(text(report)).toContain('*Weekly report, 2026-11-16 to 2026-11-22* (UTC) · route data');
    expect(text(report)).toContain('2 targets · 99.40% uptime · 1 incident');
    expect(text(report)).toContain('• `orders` 98.80%: down 2h, 1 incident');
    expect(text(report)).not.toContain('`invoices`');
    expect(text(report)).toContain('• `orders` 11-18 10:00, lasted 2h: FAILED → UP');
    // No one is mentioned: nothing needs doing.
    expect(JSON.stringify(report)).not.toContain('<!');
  });

  it('sends it once, however many polls run on Monday, and none to a route that did not ask', async () => {
    await aWeek();
    at('2026-11-23T00:05:00Z');
    const other = await Poller.start(env(), yaml, { clock: () => now });
    await Promise.all([poller.poll(), other.poll(), poller.poll()]);
    at('2026-11-23T00:10:00Z');
    await poller.poll();
    await other.close();
    const reports = (receiver: SlackReceiver) =>
      receiver.messages.filter((m) => m.text.startsWith('Weekly report'));
    expect(reports(data)).toHaveLength(1);
    expect(reports(alerts)).toHaveLength(0);
  });

  it('keeps the report in the outbox when Slack refuses it, and sends it on the next poll', async () => {
    await aWeek();
    at('2026-11-23T00:05:00Z');
    data.refuseNext(500);
    const refused = await poller.poll();
    expect(refused.status).toBe(500);
    expect(refused.report.error).toContain('weekly report of route data not delivered');
    at('2026-11-23T00:10:00Z');
    expect((await poller.poll()).status).toBe(200);
    expect(data.messages.filter((m) => m.text.startsWith('Weekly report'))).toHaveLength(1);
  });

  it('tells nothing for a week before anything was recorded, as on the first Monday after a deploy', async () => {
    at('2026-11-23T00:05:00Z');
    for (const name of ['orders', 'invoices']) await poller.ping(`/${KEY}/${name}`);
    await poller.poll();
    expect(data.messages).toEqual([]);
  });

  it('reads whether the week is done once per instance and week: a steady poll reads what it would without reports', async () => {
    await aWeek();
    at('2026-11-23T00:05:00Z');
    await poller.poll();
    const plain = await Poller.start(
      env(),
      yaml.replace('{ webhook: SLACK_WEBHOOK_DATA, report: weekly }', 'SLACK_WEBHOOK_DATA'),
      {
        clock: () => now,
      },
    );
    const reads = async (of: Poller) => {
      const before = of.deps.store.operations.reads;
      expect((await of.poll()).status).toBe(200);
      return of.deps.store.operations.reads - before;
    };
    at('2026-11-23T00:10:00Z');
    expect(await reads(poller)).toBe(await reads(plain));
    at('2026-11-23T00:15:00Z');
    expect(await reads(poller)).toBe(await reads(plain));
    await plain.close();
  });

  it('starts weeks on Monday at 00:00 UTC', () => {
    expect(weekStart(new Date('2026-11-23T00:00:00Z')).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(weekStart(new Date('2026-11-22T23:59:59Z')).toISOString()).toBe('2026-11-16T00:00:00.000Z');
    expect(weekStart(new Date('2026-11-25T12:00:00Z')).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(weekStart(new Date('1970-01-01T00:00:00Z')).toISOString()).toBe('1969-12-29T00:00:00.000Z');
  });
});
