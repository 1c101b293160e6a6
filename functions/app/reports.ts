import type { Config } from '../config/load.ts';
import type { Target } from '../config/schema.ts';
import { DAY_MS, type TargetHistory } from '../model/history.ts';
import { REPORT_INCIDENTS, REPORT_TARGETS, type WeeklyReport } from '../model/report.ts';
import type { TargetStatus } from '../model/target-status.ts';
import { knownHistory, uptimeBetween } from '../status/uptime.ts';
import type { Dependencies } from './dependencies.ts';

const WEEK_MS = 7 * DAY_MS;

/**
 * The week whose reports a store was seen to have done, with the routes asked then: a warm
 * instance reads `status/reports` once a week, not on every poll. Per store, as tests and the
 * all-in-one may hold several.
 */
const seenDone = new WeakMap<object, string>();

/** Monday 00:00 UTC of the week `now` is in. */
export function weekStart(now: Date): Date {
  const day = Math.floor(now.getTime() / DAY_MS);
  // 1970-01-01 was a Thursday: day 0 is 3 days after a Monday.
  return new Date((day - ((day + 3) % 7)) * DAY_MS);
}

/**
 * Queues the weekly report of each route that asks for one (`report: weekly`) and has none
 * queued for the week that just ended; the poll's delivery then sends it like any message, once.
 * Costs one read per instance and week when some route asks for reports (none otherwise); the
 * reports themselves read the board and the history once a week.
 */
export async function queueDueReports(
  deps: Pick<Dependencies, 'store' | 'log'>,
  config: Config,
  now: Date,
): Promise<string[]> {
  if (config.weeklyReports.length === 0) return [];
  const to = weekStart(now);
  const from = new Date(to.getTime() - WEEK_MS);
  const week = from.toISOString().slice(0, 10);
  const seen = `${week} ${config.weeklyReports.join(',')}`;
  if (seenDone.get(deps.store) === seen) return [];
  const queued = await deps.store.reportsQueued();
  const due = config.weeklyReports.filter((route) => (queued.get(route) ?? '') < week);
  if (due.length === 0) {
    seenDone.set(deps.store, seen);
    return [];
  }
  const names = config.targets.flatMap((t) => [t.name, `${t.name}/`]);
  const [statuses, histories] = await Promise.all([deps.store.read(names), deps.store.histories(names)]);
  const sent: string[] = [];
  for (const route of due) {
    const report = weeklyReport(route, config.targets, statuses, histories, from, to);
    // A week with nothing recorded (the first after a deploy) is done, with no message.
    const told = report.uptime === null ? null : report;
    if (await deps.store.queueReport(route, week, told, now)) {
      if (told) sent.push(route);
      deps.log(
        'INFO',
        `weekly report of route ${route}, week of ${week}: ${told ? 'queued' : 'nothing recorded that week'}`,
      );
    }
  }
  // Done here or by an overlapping poll: either way, not to be looked at again this week.
  seenDone.set(deps.store, seen);
  return sent;
}

/** The report of `route` over [from, to): its targets' uptime, the worst first, and their incidents. */
export function weeklyReport(
  route: string,
  targets: readonly Target[],
  statuses: ReadonlyMap<string, TargetStatus>,
  histories: ReadonlyMap<string, TargetHistory>,
  from: Date,
  to: Date,
): WeeklyReport {
  const start = from.getTime();
  const end = to.getTime();
  const mine = new Set(targets.filter((t) => t.route === route).map((t) => t.name));
  const names = [...statuses.keys()].filter((name) => mine.has(name) || mine.has(name.split('/')[0] ?? name));
  let recorded = 0;
  let down = 0;
  const rows: WeeklyReport['targets'] = [];
  const incidents: WeeklyReport['incidents'] = [];
  for (const name of names) {
    const status = statuses.get(name);
    if (!status) continue;
    const history = knownHistory(status, histories.get(name));
    if (!history) {
      rows.push({ name, uptime: null, incidents: 0, downMs: 0 });
      continue;
    }
    const uptime = uptimeBetween(history, start, end, end);
    const span = Math.max(0, end - Math.max(start, history.since));
    recorded += span;
    const downMs = uptime === null ? 0 : Math.round((1 - uptime) * span);
    down += downMs;
    const overlapping = history.spells.filter((s) => s.from < end && (s.to === null || s.to > start));
    rows.push({ name, uptime, incidents: overlapping.length, downMs });
    for (const spell of overlapping) {
      const open = spell.to === null || spell.to > end;
      incidents.push({
        target: name,
        from: new Date(spell.from).toISOString(),
        to: open ? null : new Date(spell.to as number).toISOString(),
        durationMs: (open ? end : (spell.to as number)) - spell.from,
        states: spell.states,
      });
    }
  }
  rows.sort(
    (a, b) => (a.uptime ?? 1) - (b.uptime ?? 1) || b.incidents - a.incidents || a.name.localeCompare(b.name),
  );
  incidents.sort((a, b) => Date.parse(b.from) - Date.parse(a.from));
  return {
    route,
    from: from.toISOString(),
    to: to.toISOString(),
    total: names.length,
    uptime: recorded === 0 ? null : 1 - down / recorded,
    targets: rows.slice(0, REPORT_TARGETS),
    incidents: incidents.slice(0, REPORT_INCIDENTS),
    incidentCount: incidents.length,
  };
}
