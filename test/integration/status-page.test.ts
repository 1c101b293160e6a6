import { get as httpGet } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStatus, readTarget } from '../../functions/app/status.ts';
import type { StatusView, TargetRow } from '../../functions/status/view.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

const KEY = 'k3y-0123456789abcdef';
const MINUTE = 60_000;
const SECRET = 's3cr3t-from-the-job';

const yaml = `
routes: { data: SLACK_WEBHOOK_DATA }
targets:
  - { name: orders, kind: push, every: 1h, grace: 10m, route: data }
  - { name: billing, kind: push, every: 1h, grace: 10m }
  - { name: never-pinged, kind: push, every: 1d, grace: 1h }
`;

/**
 * The status function over real history: pings and polls recorded in the emulator with a clock
 * the test moves, read back through HTTP as a browser or a badge would.
 */
describe('the status function, against history in the Firestore emulator', () => {
  let slack: SlackReceiver;
  let poller: Poller;
  let publicPoller: Poller;
  let now = new Date('2026-11-20T00:00:00Z');
  const at = (minutes: number) => {
    now = new Date(Date.parse('2026-11-20T00:00:00Z') + minutes * MINUTE);
  };

  beforeAll(async () => {
    slack = await SlackReceiver.start();
    const project = freshProject();
    const env = {
      GOOGLE_CLOUD_PROJECT: project,
      SLACK_WEBHOOK_URL: slack.url,
      SLACK_WEBHOOK_DATA: slack.url,
      PING_KEY: KEY,
    };
    poller = await Poller.start(env, yaml, { clock: () => now });
    publicPoller = await Poller.start({ ...env, STATUS_PUBLIC: 'true' }, yaml, { clock: () => now });

    at(0);
    await poller.ping(`/${KEY}/orders`);
    await poller.ping(`/${KEY}/billing`);
    await poller.poll();
    at(60);
    await poller.ping(`/${KEY}/orders/fail`);
    at(90);
    await poller.ping(`/${KEY}/orders`);
    at(100);
    await poller.poll('?silence=billing&for=2h');
    await poller.ping(`/${KEY}/billing/fail`, { method: 'POST', body: `exit 3: ${SECRET}` });
    at(120);
    await poller.poll();
  }, 60_000);

  afterAll(async () => {
    await Promise.all([poller.close(), publicPoller.close(), slack.close()]);
  });

  const get = async (base: string, path: string) => {
    const response = await fetch(`${base}${path}`);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: await response.text(),
    };
  };
  const api = async (base: string, path: string) => JSON.parse((await get(base, path)).body) as StatusView;

  it('lists every target, the unhealthy first, with its state, since when, detail and route', async () => {
    const view = await api(poller.statusUrl, '/api/targets');
    expect(view.summary).toEqual({ total: 3, healthy: 2, unhealthy: 1, unchecked: 0, held: 1 });
    expect(view.targets.map((t) => [t.name, t.state, t.health, t.since, t.route])).toEqual([
      ['billing', 'FAILED', 'unhealthy', '2026-11-20T01:40:00.000Z', 'default'],
      ['orders', 'UP', 'healthy', '2026-11-20T01:30:00.000Z', 'data'],
      ['never-pinged', 'NEW', 'healthy', '2026-11-20T00:00:00.000Z', 'default'],
    ]);
    expect(view.targets[0]?.detail).toBe(`the job reported a failure: exit 3: ${SECRET}`);
    expect(view.targets[0]?.held).toEqual({ by: 'silence', until: '2026-11-20T03:40:00.000Z' });
  });

  it('measures uptime from the recorded spells: 30 of 120 minutes down is 75%', async () => {
    const view = await api(poller.statusUrl, '/api/targets');
    const uptime = (name: string) => view.targets.find((t) => t.name === name)?.uptime;
    expect(uptime('orders')).toEqual({ '24h': 0.75, '7d': 0.75, '30d': 0.75, '90d': 0.75 });
    // Down from 01:40 to now (02:00), still ongoing: 20 of 120 minutes.
    expect(uptime('billing')?.['24h']).toBeCloseTo(100 / 120, 10);
    expect(uptime('never-pinged')?.['90d']).toBe(1);
  });

  it("gives one target's 90 days, today last, and its incidents with durations, states and alerts", async () => {
    const row = JSON.parse((await get(poller.statusUrl, '/api/targets/orders/history')).body) as TargetRow;
    expect(row.days).toHaveLength(90);
    expect(row.days.at(-1)).toEqual({ date: '2026-11-20', uptime: 0.75 });
    expect(row.days.at(-2)).toEqual({ date: '2026-11-19', uptime: null });
    expect(row.incidents).toEqual([
      {
        target: 'orders',
        from: '2026-11-20T01:00:00.000Z',
        to: '2026-11-20T01:30:00.000Z',
        durationMs: 30 * MINUTE,
        states: ['FAILED', 'UP'],
        alerted: true,
        heldBy: null,
      },
    ]);
    const billing = JSON.parse(
      (await get(poller.statusUrl, '/api/targets/billing/history')).body,
    ) as TargetRow;
    expect(billing.incidents).toEqual([
      expect.objectContaining({ to: null, durationMs: 20 * MINUTE, alerted: false, heldBy: 'silence' }),
    ]);
  });

  it('renders the page: the unhealthy target marked, uptime, the bar, and the incidents', async () => {
    const page = await get(poller.statusUrl, '/');
    expect(page.status).toBe(200);
    expect(page.type).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('1 of 3 unhealthy');
    expect(page.body).toMatch(
      /<tr id="t-billing" data-target="billing" data-health="unhealthy" data-held="true">/,
    );
    expect(page.body).toContain('<b>75.00%</b> <small>24h</small>');
    expect(page.body).toContain('title="2026-11-20: 75.00%"');
    expect(page.body).toMatch(
      /<td>orders<\/td><td>2026-11-20 01:00<\/td><td>2026-11-20 01:30<\/td><td>30m<\/td><td>FAILED → UP<\/td><td>alerted<\/td>/,
    );
    expect(page.body).toContain('<b>ongoing</b>');
    expect(page.body).toContain('held back (silence)');
  });

  it('filters by text and by health, and says when nothing matches', async () => {
    const names = (body: string) => [...body.matchAll(/data-target="([^"]+)"/g)].map((m) => m[1]);
    expect(names((await get(poller.statusUrl, '/?q=ORD')).body)).toEqual(['orders']);
    expect(names((await get(poller.statusUrl, '/?show=unhealthy')).body)).toEqual(['billing']);
    expect(names((await get(poller.statusUrl, '/?q=push&show=held')).body)).toEqual(['billing']);
    expect((await get(poller.statusUrl, '/?q=nothing-like-this')).body).toContain(
      'No target matches the filter.',
    );
    const filtered = await api(poller.statusUrl, '/api/targets?show=unhealthy');
    expect(filtered.targets.map((t) => t.name)).toEqual(['billing']);
  });

  it('serves a state badge and a 30-day uptime badge, and a 404 badge for an unknown target', async () => {
    const state = await get(poller.statusUrl, '/badge/billing.svg');
    expect([state.status, state.type]).toEqual([200, 'image/svg+xml; charset=utf-8']);
    expect(state.body).toContain('aria-label="billing: FAILED"');
    expect(state.body).toContain('#cf222e');
    const uptime = await get(poller.statusUrl, '/badge/orders/uptime-30d.svg');
    expect(uptime.body).toContain('aria-label="uptime 30d: 75.00%"');
    const unknown = await get(poller.statusUrl, '/badge/nope.svg');
    expect([unknown.status, unknown.body.includes('unknown target')]).toEqual([404, true]);
  });

  it('shows no detail, route or console link when public, on the page or in the API', async () => {
    const view = await api(publicPoller.statusUrl, '/api/targets');
    expect(view.public).toBe(true);
    for (const row of view.targets) expect(Object.keys(row)).not.toEqual(expect.arrayContaining(['detail']));
    expect(view.targets.every((t) => !('route' in t) && !('consoleUrl' in t))).toBe(true);
    const history = await get(publicPoller.statusUrl, '/api/targets/billing/history');
    const page = await get(publicPoller.statusUrl, '/');
    for (const body of [JSON.stringify(view), history.body, page.body]) {
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain('"data"');
    }
    expect(page.body).not.toContain('<th>Route</th>');
    expect((await get(poller.statusUrl, '/')).body).toContain(SECRET);
  });

  it('is read-only and answers 404 for what it does not serve', async () => {
    const post = await fetch(`${poller.statusUrl}/`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    expect((await get(poller.statusUrl, '/api/targets/nope/history')).status).toBe(404);
    expect((await get(poller.statusUrl, '/index.html')).status).toBe(404);
    expect((await get(poller.statusUrl, '/badge/%E0%A4%A.svg')).status).toBe(404);
  });

  it('gzips the page and the JSON for a client that takes it, and only then', async () => {
    const raw = (path: string, headers: Record<string, string>) =>
      new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
        httpGet(`${poller.statusUrl}${path}`, { headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) });
          });
        }).on('error', reject);
      });
    const zipped = await raw('/', { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.encoding).toBe('gzip');
    expect(gunzipSync(zipped.body).toString()).toContain('1 of 3 unhealthy');
    const json = await raw('/api/targets', { 'accept-encoding': 'gzip' });
    expect(JSON.parse(gunzipSync(json.body).toString())).toMatchObject({ summary: { total: 3 } });
    const plain = await raw('/', {});
    expect([plain.encoding, plain.body.toString().includes('1 of 3 unhealthy')]).toEqual([undefined, true]);
  });

  it('sends the page under a policy that allows no script', async () => {
    const response = await fetch(`${poller.statusUrl}/`);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });
});

describe('what a page view costs', () => {
  it('reads 3 documents for 300 targets with history (the board, the history, the silences), and a badge no more', async () => {
    const targets = Array.from(
      { length: 300 },
      (_, i) => `  - { name: job-${i}, kind: push, every: 1h, grace: 10m }`,
    );
    const poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: freshProject(), PING_KEY: KEY },
      `targets:\n${targets.join('\n')}\n`,
    );
    try {
      await poller.poll();
      const { view, reads } = await readStatus(poller.deps, { public: false });
      expect(view.targets).toHaveLength(300);
      expect(reads).toBe(3);
      // A badge or one target's history reads the shards holding it, not the whole board.
      const before = poller.deps.store.operations.reads;
      expect((await readTarget(poller.deps, 'job-7', { public: true }))?.name).toBe('job-7');
      expect(poller.deps.store.operations.reads - before).toBe(3);
      // A name that would be a prefix (every member of job-7) reads nothing: it names no target.
      const again = poller.deps.store.operations.reads;
      expect(await readTarget(poller.deps, 'job-7/', { public: true })).toBeUndefined();
      expect(poller.deps.store.operations.reads - again).toBe(0);
    } finally {
      await poller.close();
    }
  });
});
