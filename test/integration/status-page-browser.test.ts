import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type Browser, type Page, type Viewport } from '../support/browser.ts';
import { startFunction, type FunctionProcess } from '../support/function-process.ts';
import { freshProject } from '../support/poller.ts';

const KEY = 'k3y-0123456789abcdef';
const TARGETS = ['orders', 'billing', 'reports', 'cleanup'];
const DESKTOP = { width: 1280, height: 900 };
const PHONE = { width: 390, height: 844, mobile: true, deviceScaleFactor: 3 };
/** --down in the page's CSS, #cf222e. */
const RED = 'rgb(207, 34, 46)';
/** --up, #2da44e: a day up all day. */
const GREEN = 'rgb(45, 164, 78)';
/** --pill-up, #1a7f37: a healthy state's pill, darker so its white text reads. */
const PILL_GREEN = 'rgb(26, 127, 55)';

const yaml = `targets:
${TARGETS.map((name) => `  - { name: ${name}, kind: push, every: 1h, grace: 10m }`).join('\n')}
`;

/**
 * The status page as a person sees it: Debian's Chromium, headless, reading the page the local
 * all-in-one (`npm start`) serves, over history the product itself recorded in the Firestore
 * emulator through its own HTTP (pings and polls, in real time).
 */
describe('the status page in a real browser', () => {
  let dir: string;
  // Undefined until started: afterAll stops only what beforeAll got as far as starting.
  let fn: FunctionProcess | undefined;
  let browser: Browser | undefined;
  let url: string;
  let pageUrl: string;

  /** A new tab on the status page, as wide as `viewport`. */
  const open = (viewport: Viewport) => {
    if (!browser) throw new Error('no browser: beforeAll did not get as far as launching it');
    return browser.open(pageUrl, viewport);
  };
  const ping = async (path: string) => {
    const response = await fetch(`${url}/ping/${KEY}/${path}`);
    expect(response.status, `${path}: ${await response.text()}`).toBe(200);
  };
  const poll = async (query = '') => {
    const response = await fetch(`${url}/${query}`, { method: 'POST' });
    expect(response.status, await response.text()).toBe(200);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'status-page-browser-'));
    const targetsFile = join(dir, 'targets.yaml');
    await writeFile(targetsFile, yaml);
    fn = await startFunction(
      'all',
      {
        FIRESTORE_EMULATOR_HOST: process.env['FIRESTORE_EMULATOR_HOST'] ?? '',
        GOOGLE_CLOUD_PROJECT: freshProject(),
        PING_KEY: KEY,
        TARGETS_FILE: targetsFile,
        POLL_EVERY: 'off',
        METADATA_SERVER_DETECTION: 'none',
      },
      '/status/api/targets',
    );
    url = fn.url;
    pageUrl = `${url}/status/`;
    browser = await launchBrowser();

    // Every job reports in, and a poll records them all.
    for (const name of TARGETS) await ping(name);
    await poll();
    // reports fails while silenced and recovers: an incident whose alert was held back.
    await poll('?silence=reports&for=1h');
    await ping('reports/fail');
    // orders fails and recovers about two seconds later: an incident with a duration.
    await ping('orders/fail');
    await sleep(2000);
    await ping('orders');
    await ping('reports');
    // billing fails and stays failed: an ongoing incident, and the one unhealthy target.
    await ping('billing/fail');
    await poll();
  }, 60_000);

  afterAll(async () => {
    fn?.child.kill();
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The visible text of each target row, in the order shown. */
  const rowTexts = (page: Page) =>
    page.evaluate<{ name: string; health: string; text: string }[]>(
      `[...document.querySelectorAll('table.targets tbody tr')].map((tr) => ({
        name: tr.dataset.target, health: tr.dataset.health, text: tr.innerText }))`,
    );
  /** The visible cells of each incident row, newest first. */
  const incidentCells = (page: Page) =>
    page.evaluate<string[][]>(
      `[...document.querySelectorAll('table.incidents tbody tr')].map((tr) =>
        [...tr.cells].map((td) => td.innerText.trim()))`,
    );

  it('lists every target and says how many are unhealthy', async () => {
    const page = await open(DESKTOP);
    const text = await page.text();
    for (const name of TARGETS) expect(text).toContain(name);
    expect(text).toContain('1 of 4 unhealthy · 1 silenced or in maintenance');
    expect(await page.evaluate<string>('document.title')).toBe('(1 down) Status');
    // It keeps itself up to date: no script, a meta refresh every minute.
    expect(await page.evaluate<string>(`document.querySelector('meta[http-equiv=refresh]').content`)).toBe(
      '60',
    );
    await page.close();
  });

  it('marks the unhealthy target in red and lists it first, with its state and since when', async () => {
    const page = await open(DESKTOP);
    const rows = await rowTexts(page);
    expect(rows.map((r) => [r.name, r.health])).toEqual([
      ['billing', 'unhealthy'],
      ['orders', 'healthy'],
      ['reports', 'healthy'],
      ['cleanup', 'healthy'],
    ]);
    // Since when: `just now`, `for 3s`, depending on how fast the machine is.
    expect(rows[0]?.text).toMatch(/FAILED\s+(for \d+s|just now)\b/);
    expect(rows[0]?.text).toContain('the job reported a failure');
    for (const row of rows.slice(1)) expect(row.text).toMatch(/\bUP\s+(for \d+s|just now)\b/);
    expect(rows[2]?.text).toMatch(/silenced until \d\d:\d\d UTC/);
    const pill = (name: string) =>
      page.evaluate<string>(
        `getComputedStyle(document.querySelector('tr[data-target=${name}] .pill')).backgroundColor`,
      );
    expect(await pill('billing')).toBe(RED);
    expect(await pill('cleanup')).toBe(PILL_GREEN);
    await page.close();
  });

  it('shows uptime over 24h, 7d, 30d and 90d as percentages', async () => {
    const page = await open(DESKTOP);
    const rows = await rowTexts(page);
    const byName = new Map(rows.map((r) => [r.name, r.text]));
    for (const window of ['24h', '7d', '30d', '90d']) {
      // cleanup never failed; orders was down about two seconds of a few, so well short of 100%.
      expect(byName.get('cleanup')).toMatch(new RegExp(`100%\\s+${window}`));
      expect(byName.get('orders')).toMatch(new RegExp(`(^|\\D)\\d{1,2}\\.\\d\\d%\\s+${window}`));
    }
    // The 90-day bar: one day a box, today last, its uptime in the title a person hovers over.
    // A run of days up all day (or not recorded) is one element drawing `--n` days in colour `--c`.
    const days = (name: string) =>
      page.evaluate<{ title: string; colour: string; n: number }[]>(
        `[...document.querySelectorAll('tr[data-target=${name}] .days i')].map((i) => {
          const probe = document.createElement('b');
          probe.style.color = getComputedStyle(i).getPropertyValue('--c');
          document.body.append(probe);
          const colour = getComputedStyle(probe).color;
          probe.remove();
          return { title: i.title, colour, n: Number(getComputedStyle(i).getPropertyValue('--n')) || 1 };
        })`,
      );
    // Its history began seconds ago: today only (or yesterday too, run across midnight UTC).
    const recorded = (bar: { title: string; colour: string; n: number }[]) =>
      bar.filter((day) => !day.title.endsWith(': no data'));
    const orders = await days('orders');
    expect(orders.reduce((sum, run) => sum + run.n, 0)).toBe(90);
    expect(orders.at(-1)?.title).toMatch(/^\d{4}-\d\d-\d\d: (\d{1,2}\.\d\d%|100%)$/);
    expect(recorded(orders).length).toBeLessThanOrEqual(2);
    // Down for seconds out of seconds: a red day.
    expect(recorded(orders).map((day) => day.colour)).toContain(RED);
    const cleanup = recorded(await days('cleanup'));
    expect(cleanup.map((day) => [day.title.replace(/^[\d-]+/, ''), day.colour])).toEqual(
      cleanup.map(() => [': 100%', GREEN]),
    );
    expect(cleanup.length).toBeGreaterThan(0);
    await page.close();
  });

  it('lists the incidents: the recovered one with its duration, the ongoing one, and their alerts', async () => {
    const page = await open(DESKTOP);
    const text = await page.text();
    expect(text).toContain('Incidents');
    const cells = await incidentCells(page);
    // Newest first: billing (ongoing), orders (recovered after ~2 s), reports (held back by its silence).
    expect(cells.map((c) => c[0])).toEqual(['billing', 'orders', 'reports']);
    const [billing, orders, reports] = cells;
    const when = /^\d{4}-\d\d-\d\d \d\d:\d\d$/;
    expect(billing).toEqual([
      'billing',
      expect.stringMatching(when),
      'ongoing',
      expect.stringMatching(/^\d+(ms|s)$/),
      'FAILED',
      'alerted',
    ]);
    expect(orders).toEqual([
      'orders',
      expect.stringMatching(when),
      expect.stringMatching(when),
      expect.stringMatching(/^[2-9]s$/),
      'FAILED → UP',
      'alerted',
    ]);
    expect(reports).toEqual([
      'reports',
      expect.stringMatching(when),
      expect.stringMatching(when),
      expect.stringMatching(/^\d+s$/),
      'FAILED → UP',
      'held back (silence)',
    ]);
    await page.close();
  });

  it('filters to the unhealthy targets when a person picks "Unhealthy only" and submits', async () => {
    const page = await open(DESKTOP);
    await page.evaluate(`(() => {
      const form = document.querySelector('form.filter');
      form.elements.show.value = 'unhealthy';
      form.requestSubmit();
    })()`);
    await page.waitFor(
      `location.search.includes('show=unhealthy') && document.readyState === 'complete' &&
        document.querySelector('select[name=show]').value === 'unhealthy'`,
    );
    expect((await rowTexts(page)).map((r) => r.name)).toEqual(['billing']);
    const text = await page.text();
    expect(text).toContain('billing');
    for (const name of ['orders', 'reports', 'cleanup']) expect(text).not.toContain(name);
    expect(text).toContain('Clear');
    await page.close();
  });

  it('filters by the text a person types', async () => {
    const page = await open(DESKTOP);
    await page.evaluate(`(() => {
      const form = document.querySelector('form.filter');
      form.elements.q.value = 'ORD';
      form.requestSubmit();
    })()`);
    await page.waitFor(`location.search.includes('q=ORD') && document.readyState === 'complete'`);
    expect((await rowTexts(page)).map((r) => r.name)).toEqual(['orders']);
    expect(await page.evaluate<string>(`document.querySelector('input[name=q]').value`)).toBe('ORD');
    await page.close();
  });

  it('fits a phone: no sideways scrolling, rows as blocks, names and 90-day bars visible', async () => {
    const page = await open(PHONE);
    expect(await page.evaluate<number>('window.innerWidth')).toBe(390);
    expect(
      await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth + 1'),
    ).toBe(true);
    // The column headers are hidden: each row is a block of its own.
    expect(
      await page.evaluate<string[]>(
        `[...document.querySelectorAll('thead')].map((t) => getComputedStyle(t).display)`,
      ),
    ).toEqual(['none', 'none']);
    expect(
      await page.evaluate<string[]>(
        `[...document.querySelectorAll('table.targets tbody tr')].map((tr) => getComputedStyle(tr).display)`,
      ),
    ).toEqual(['block', 'block', 'block', 'block']);
    const text = await page.text();
    expect(text).not.toContain('Last 90 days');
    for (const name of TARGETS) expect(text).toContain(name);
    const boxes = await page.evaluate<
      { name: string; nameWidth: number; nameRight: number; barWidth: number; bars: number }[]
    >(
      `[...document.querySelectorAll('table.targets tbody tr')].map((tr) => {
        const name = tr.querySelector('.name strong').getBoundingClientRect();
        const bar = tr.querySelector('.days').getBoundingClientRect();
        return { name: tr.dataset.target, nameWidth: name.width, nameRight: name.right, barWidth: bar.width,
          bars: [...tr.querySelectorAll('.days i')].reduce((n, i) => n + (Number(getComputedStyle(i).getPropertyValue('--n')) || 1), 0) };
      })`,
    );
    expect(boxes).toHaveLength(4);
    for (const box of boxes) {
      expect(box.nameWidth, box.name).toBeGreaterThan(0);
      expect(box.nameRight, box.name).toBeLessThanOrEqual(390);
      expect(box.barWidth, box.name).toBeGreaterThan(200);
      expect(box.bars, box.name).toBe(90);
    }
    await page.close();
  });
});
