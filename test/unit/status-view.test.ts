import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/config/parse.ts';
import type { TargetStatus } from '../../functions/model/target-status.ts';
import { stateBadge } from '../../functions/status/badge.ts';
import { statusPage } from '../../functions/status/page.ts';
import { filterRows, statusView, type StatusInput } from '../../functions/status/view.ts';

const now = new Date('2026-11-20T12:00:00Z');
const config = parseConfig(
  `targets:
  - { name: db, kind: push, every: 1h }
  - { name: api, kind: push, every: 1h, dependsOn: [db] }
  - { name: streams, kind: datastream, project: p, location: asia-northeast1, stream: "*" }
  - { name: fresh, kind: push, every: 1h }
  - { name: quiet, kind: push, every: 1h, maintenance: [{ schedule: "0 12 * * *", duration: 1h, timezone: UTC }] }
`,
  'targets.yaml',
);
const status = (state: string | null, healthy: boolean, detail = ''): TargetStatus => ({
  kind: 'push',
  state,
  healthy,
  since: new Date('2026-11-20T11:00:00Z'),
  detail,
  unhealthySince: healthy ? null : new Date('2026-11-20T11:00:00Z'),
  streak: null,
});
const input: StatusInput = {
  targets: config.targets,
  statuses: new Map([
    ['db', status('FAILED', false, 'exit 2: <script>alert(1)</script>')],
    ['api', status('UP', true)],
    ['streams', status('LISTED', true)],
    ['streams/b-stream', status('FAILED', false)],
    ['streams/a-stream', status('RUNNING', true)],
    ['fresh', status(null, true)],
    ['quiet', status('UP', true)],
    ['removed-from-the-file', status('UP', true)],
  ]),
  histories: new Map(),
  silences: new Map([['api', new Date('2026-11-20T14:00:00Z')]]),
  now,
  public: false,
  consoleUrl: (target, name) => `https://console.cloud.google.com/${name}`,
};

describe('the status view', () => {
  const view = statusView(input);
  const row = (name: string) => view.targets.find((t) => t.name === name);

  it('lists the unhealthy first, then those not checked yet, then the rest, each in file order', () => {
    expect(view.targets.map((t) => [t.name, t.health])).toEqual([
      ['db', 'unhealthy'],
      ['streams/b-stream', 'unhealthy'],
      ['fresh', 'unchecked'],
      ['api', 'healthy'],
      ['streams', 'healthy'],
      ['streams/a-stream', 'healthy'],
      ['quiet', 'healthy'],
    ]);
    expect(view.summary).toEqual({ total: 7, healthy: 4, unhealthy: 2, unchecked: 1, held: 2 });
  });

  it('lists what a discovery target found under it, each with its own console link', () => {
    expect(row('streams/a-stream')).toMatchObject({ parent: 'streams', kind: 'datastream' });
    expect(row('streams/a-stream')?.consoleUrl).toBe('https://console.cloud.google.com/streams/a-stream');
  });

  it('says what holds alerts back: a silence, a maintenance window, a failing dependency', () => {
    expect(row('api')?.held).toEqual({ by: 'silence', until: '2026-11-20T14:00:00.000Z' });
    expect(row('api')?.waitingOn).toEqual(['db']);
    expect(row('quiet')?.held).toEqual({ by: 'maintenance', until: '2026-11-20T13:00:00.000Z' });
    expect(row('db')?.held).toBeNull();
  });

  it('has no uptime yet for a target whose first observations are still being counted', () => {
    expect(row('fresh')).toMatchObject({ state: null, since: null, uptime: { '24h': null, '90d': null } });
    expect(row('fresh')?.days.every((d) => d.uptime === null)).toBe(true);
  });

  it('leaves out detail, route and console link when public', () => {
    const open = statusView({ ...input, public: true });
    for (const r of open.targets) {
      expect(r).not.toHaveProperty('detail');
      expect(r).not.toHaveProperty('route');
      expect(r).not.toHaveProperty('consoleUrl');
    }
  });

  it('filters by text in name, kind, state or route, and by health or hold', () => {
    const names = (q: string, show: 'all' | 'unhealthy' | 'held' = 'all') =>
      filterRows(view.targets, { q, show }).map((r) => r.name);
    expect(names('STREAM')).toEqual(['streams/b-stream', 'streams', 'streams/a-stream']);
    expect(names('failed')).toEqual(['db', 'streams/b-stream']);
    expect(names('', 'unhealthy')).toEqual(['db', 'streams/b-stream']);
    expect(names('', 'held')).toEqual(['api', 'quiet']);
  });

  it('escapes what a target answered, in the page and in a badge', () => {
    const html = statusPage(view, view.targets, { q: '"><script>', show: 'all' });
    expect(html).not.toContain('<script>');
    expect(html).toContain('exit 2: &#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('value="&#34;&#62;&#60;script&#62;"');
    expect(html).toContain('alerts wait on db');
    const hostile = { ...(row('db') as NonNullable<ReturnType<typeof row>>), state: '<b>&' };
    expect(stateBadge(hostile)).toContain('db: &#60;b&#62;&#38;');
  });
});
