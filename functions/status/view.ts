/**
 * What a status page, its JSON API, its badges and `gcp-status-poller status` show: built from the
 * targets file and what the store holds, pure. Times are ISO strings and durations milliseconds,
 * so the view is the API's answer as it is. Public, it leaves out what could carry a secret: a
 * detail is what a target answered, a console link names projects, a route names a team.
 */
import { maintenanceUntil } from '../alerting/maintenance.ts';
import type { Target } from '../config/schema.ts';
import { DAY_MS, type TargetHistory } from '../model/history.ts';
import { HISTORY_MS } from '../store/shared.ts';
import type { TargetStatus } from '../model/target-status.ts';
import type { HoldReason } from '../model/transition.ts';
import { dailyUptime, knownHistory, uptimeWindows, type Window } from './uptime.ts';

export interface StatusView {
  generatedAt: string;
  /** Shown to anyone: no detail, route or console link. */
  public: boolean;
  summary: { total: number; healthy: number; unhealthy: number; unchecked: number; held: number };
  targets: TargetRow[];
}

export interface TargetRow {
  name: string;
  kind: string;
  /** For a resource found by a discovery target (`orders/abc`): that target. */
  parent: string | null;
  /** null: not checked yet, or its first observations are still being counted. */
  state: string | null;
  health: 'healthy' | 'unhealthy' | 'unchecked';
  /** When it entered its state. */
  since: string | null;
  detail?: string;
  route?: string;
  consoleUrl?: string | null;
  /** Alerts held back now: by a silence or a maintenance window, until when. */
  held: { by: Exclude<HoldReason, 'dependency'>; until: string } | null;
  /** The targets it depends on that are unhealthy now: its own alerts wait behind theirs. */
  waitingOn: string[];
  uptime: Record<Window, number | null>;
  /** Since when it is recorded: a window longer than that measures from here. */
  recordedSince: string | null;
  /** The last 90 UTC days, oldest first: `date` YYYY-MM-DD, `uptime` 0–1, null before it was recorded. */
  days: { date: string; uptime: number | null }[];
  /** Newest first. */
  incidents: IncidentRow[];
}

export interface IncidentRow {
  target: string;
  from: string;
  /** null: ongoing. */
  to: string | null;
  durationMs: number;
  /** The states it went through, the recovery's last. */
  states: string[];
  alerted: boolean;
  /** What held its alert back, if anything did. */
  heldBy: HoldReason | null;
}

export interface StatusInput {
  targets: readonly Target[];
  statuses: ReadonlyMap<string, TargetStatus>;
  histories: ReadonlyMap<string, TargetHistory>;
  /** Ad-hoc silences in force: target → until. */
  silences: ReadonlyMap<string, Date>;
  now: Date;
  public: boolean;
  /** The page in the Cloud console of a target, or of one of its discovered members by name (not asked for when public). */
  consoleUrl: (target: Target, name: string) => string | null;
}

/** Every target of the file, and the stored members of discovery targets after theirs; the unhealthy first. */
export function statusView(input: StatusInput): StatusView {
  // Members by the target that found them, once: not a scan of every name per target.
  const members = new Map<string, string[]>();
  for (const name of input.statuses.keys()) {
    const slash = name.indexOf('/');
    if (slash === -1) continue;
    const parent = name.slice(0, slash);
    const found = members.get(parent);
    if (found) found.push(name);
    else members.set(parent, [name]);
  }
  const rows: TargetRow[] = [];
  for (const target of input.targets) {
    rows.push(row(input, target, target.name, null));
    for (const name of (members.get(target.name) ?? []).sort())
      rows.push(row(input, target, name, target.name));
  }
  const order = { unhealthy: 0, unchecked: 1, healthy: 2 };
  const targets = rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => order[a.r.health] - order[b.r.health] || a.i - b.i)
    .map(({ r }) => r);
  return {
    generatedAt: input.now.toISOString(),
    public: input.public,
    summary: {
      total: targets.length,
      healthy: targets.filter((t) => t.health === 'healthy').length,
      unhealthy: targets.filter((t) => t.health === 'unhealthy').length,
      unchecked: targets.filter((t) => t.health === 'unchecked').length,
      held: targets.filter((t) => t.held !== null).length,
    },
    targets,
  };
}

function row(input: StatusInput, target: Target, name: string, parent: string | null): TargetRow {
  const now = input.now.getTime();
  const status = input.statuses.get(name);
  const history = status ? knownHistory(status, input.histories.get(name)) : input.histories.get(name);
  const health = !status || status.state === null ? 'unchecked' : status.healthy ? 'healthy' : 'unhealthy';
  const shown: TargetRow = {
    name,
    kind: target.kind,
    parent,
    state: status?.state ?? null,
    health,
    since: status && status.state !== null ? status.since.toISOString() : null,
    held: heldNow(input, target),
    waitingOn: target.dependsOn.filter((dependency) => input.statuses.get(dependency)?.healthy === false),
    uptime: history ? uptimeWindows(history, now) : { '24h': null, '7d': null, '30d': null, '90d': null },
    recordedSince: history ? new Date(history.since).toISOString() : null,
    days: history
      ? dailyUptime(history, now).map(({ day, uptime }) => ({ date: isoDate(day), uptime }))
      : dailyUptime({ since: now, down: {}, spells: [], exactFrom: 0 }, now).map(({ day }) => ({
          date: isoDate(day),
          uptime: null,
        })),
    incidents: history ? incidents(name, history, now) : [],
  };
  if (input.public) return shown;
  return {
    ...shown,
    detail: status?.detail ?? '',
    route: target.route,
    consoleUrl: input.consoleUrl(target, name),
  };
}

function heldNow(input: StatusInput, target: Target): TargetRow['held'] {
  const silenced = input.silences.get(target.name);
  const maintenance = maintenanceUntil(target.maintenance, input.now);
  if (maintenance && (!silenced || maintenance >= silenced)) {
    return { by: 'maintenance', until: maintenance.toISOString() };
  }
  return silenced ? { by: 'silence', until: silenced.toISOString() } : null;
}

function incidents(target: string, history: TargetHistory, now: number): IncidentRow[] {
  // An entry is pruned only when its target changes: a quiet one may still list older spells.
  const oldest = now - HISTORY_MS;
  return history.spells
    .filter((spell) => spell.to === null || spell.to > oldest)
    .map((spell) => ({
      target,
      from: new Date(spell.from).toISOString(),
      to: spell.to === null ? null : new Date(spell.to).toISOString(),
      durationMs: (spell.to ?? now) - spell.from,
      states: spell.states,
      alerted: spell.alerted,
      heldBy: spell.heldBy ?? null,
    }))
    .reverse();
}

/** The incidents of every row, newest first, started after `since` (ms), at most `limit`. */
export function recentIncidents(rows: readonly TargetRow[], since: number, limit = 50): IncidentRow[] {
  return rows
    .flatMap((r) => r.incidents)
    .filter((i) => Date.parse(i.from) >= since || i.to === null || Date.parse(i.to) >= since)
    .sort((a, b) => Date.parse(b.from) - Date.parse(a.from))
    .slice(0, limit);
}

/** What a person filters by: text in the name, kind, state or route; and which health. */
export interface StatusFilter {
  q: string;
  show: 'all' | 'unhealthy' | 'held';
}

export function filterRows(rows: readonly TargetRow[], filter: StatusFilter): TargetRow[] {
  const q = filter.q.trim().toLowerCase();
  return rows.filter((r) => {
    if (filter.show === 'unhealthy' && r.health !== 'unhealthy') return false;
    if (filter.show === 'held' && r.held === null) return false;
    if (q === '') return true;
    return [r.name, r.kind, r.state ?? '', r.route ?? ''].some((text) => text.toLowerCase().includes(q));
  });
}

/** Every row shows the same 90 days: each date is written once, not once per target. */
const isoDates = new Map<number, string>();
function isoDate(day: number): string {
  let date = isoDates.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (isoDates.size > 1000) isoDates.clear();
    isoDates.set(day, date);
  }
  return date;
}
