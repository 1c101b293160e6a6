/**
 * The status page: server-rendered HTML with a little CSS and no script, so it works behind any
 * proxy, under a strict Content-Security-Policy, and on a phone. It refreshes itself (a meta
 * refresh keeps the filter, which is the query string). Every value from outside is escaped.
 */
import { formatDuration } from '../config/duration.ts';
import {
  recentIncidents,
  type IncidentRow,
  type StatusFilter,
  type StatusView,
  type TargetRow,
} from './view.ts';
import { percent, WINDOWS, type Window } from './uptime.ts';

/** How often the page reloads itself. */
export const REFRESH_SECONDS = 60;
/** Incidents listed under the targets. */
const INCIDENTS_SHOWN = 50;

export function statusPage(view: StatusView, rows: readonly TargetRow[], filter: StatusFilter): string {
  const now = Date.parse(view.generatedAt);
  const { summary } = view;
  const filtered = rows.length !== view.targets.length;
  const incidents = recentIncidents(rows, now - WINDOWS['90d'], INCIDENTS_SHOWN);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<title>${summary.unhealthy > 0 ? `(${summary.unhealthy} down) ` : ''}Status</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>Status</h1>
<p class="summary ${summary.unhealthy > 0 ? 'bad' : 'good'}">${
    summary.unhealthy > 0
      ? `${summary.unhealthy} of ${summary.total} unhealthy`
      : summary.total === summary.unchecked
        ? `${summary.total} targets, none checked yet`
        : `All ${summary.total - summary.unchecked} checked targets healthy`
  }${summary.unchecked > 0 && summary.unhealthy > 0 ? ` · ${summary.unchecked} not checked yet` : ''}${
    summary.held > 0 ? ` · ${summary.held} silenced or in maintenance` : ''
  }</p>
<p class="meta">Updated <time datetime="${view.generatedAt}">${clock(now)}</time> UTC · refreshes every minute</p>
<form method="get" class="filter" role="search">
<input type="search" name="q" value="${escape(filter.q)}" placeholder="Filter by name, kind, state${view.public ? '' : ', route'}" aria-label="Filter">
<select name="show" aria-label="Show">${(['all', 'unhealthy', 'held'] as const)
    .map((s) => `<option value="${s}"${filter.show === s ? ' selected' : ''}>${SHOW_LABELS[s]}</option>`)
    .join('')}</select>
<button type="submit">Filter</button>${filtered ? ` <a href="./">Clear</a>` : ''}
</form>
</header>
<main>
<section aria-label="Targets">
${rows.length === 0 ? '<p class="empty">No target matches the filter.</p>' : ''}
<table class="targets">
<thead><tr><th>Target</th><th>State</th><th>Uptime</th><th>Last 90 days</th>${view.public ? '' : '<th>Route</th><th>Detail</th>'}</tr></thead>
<tbody>
${rows.map((r) => targetRow(r, now, view.public)).join('\n')}
</tbody>
</table>
</section>
<section aria-label="Incidents">
<h2>Incidents</h2>
${
  incidents.length === 0
    ? '<p class="empty">No incident in the last 90 days.</p>'
    : `<table class="incidents">
<thead><tr><th>Target</th><th>Started</th><th>Ended</th><th>Duration</th><th>States</th><th>Alert</th></tr></thead>
<tbody>
${incidents.map((i) => incidentRow(i)).join('\n')}
</tbody>
</table>`
}
</section>
</main>
<footer>
<p>Times are UTC. Uptime counts from a target's first record; days are UTC days; history is kept 90 days.
<a href="api/targets">JSON</a></p>
</footer>
</body>
</html>
`;
}

const SHOW_LABELS: Record<StatusFilter['show'], string> = {
  all: 'All targets',
  unhealthy: 'Unhealthy only',
  held: 'Silenced or in maintenance',
};

function targetRow(r: TargetRow, now: number, isPublic: boolean): string {
  const name = escape(r.name);
  const link = r.consoleUrl
    ? ` <a class="console" href="${escape(r.consoleUrl)}" rel="noreferrer">console</a>`
    : '';
  const since = r.since
    ? ` <span class="since" title="${escape(r.since)}">${lasted(now - Date.parse(r.since))}</span>`
    : '';
  const held =
    (r.held
      ? `<span class="held">${r.held.by === 'maintenance' ? 'in maintenance' : 'silenced'} until ${escape(clock(Date.parse(r.held.until)))} UTC</span>`
      : '') +
    (r.waitingOn.length > 0
      ? `<span class="held">alerts wait on ${r.waitingOn.map(escape).join(', ')}</span>`
      : '');
  const cells = [
    `<td class="name"><strong>${name}</strong><span class="kind">${escape(r.kind)} · <a href="api/targets/${encodeURIComponent(r.name)}/history">JSON</a></span>${link}</td>`,
    `<td class="state"><span class="pill ${r.health}">${escape(r.state ?? 'not checked yet')}</span>${since}${held}</td>`,
    `<td class="uptime">${(Object.keys(WINDOWS) as Window[]).map((w) => `<span><b>${percent(r.uptime[w])}</b> <small>${w}</small></span>`).join(' ')}${recordedFor(r, now)}</td>`,
    `<td class="bar"><div class="days" role="img" aria-label="daily uptime, last 90 days">${bar(r.days)}</div></td>`,
  ];
  if (!isPublic) {
    cells.push(`<td class="route" data-label="Route">${escape(r.route ?? '')}</td>`);
    cells.push(`<td class="detail" data-label="Detail">${escape(shorten(r.detail ?? '', 300))}</td>`);
  }
  return `<tr id="t-${name}" data-target="${name}" data-health="${r.health}"${r.held ? ' data-held="true"' : ''}>${cells.join('')}</tr>`;
}

function incidentRow(i: IncidentRow): string {
  const alert = i.heldBy
    ? `held back (${i.heldBy})${i.alerted ? ', then alerted' : ''}`
    : i.alerted
      ? 'alerted'
      : 'not alerted';
  return `<tr data-incident="${escape(i.target)}"${i.to === null ? ' class="ongoing"' : ''}><td>${escape(i.target)}</td><td>${clock(Date.parse(i.from), true)}</td><td>${
    i.to === null ? '<b>ongoing</b>' : clock(Date.parse(i.to), true)
  }</td><td>${formatDuration(i.durationMs)}</td><td>${i.states.map(escape).join(' → ')}</td><td>${alert}</td></tr>`;
}

/**
 * The 90-day bar. Days up all day, or not recorded, come in runs: a run is one element that
 * draws its days with the gaps between them (`--n`), so three hundred targets make a page of a
 * few hundred KB, not 1.4 MB of one element per day. Any other day is one element of its own.
 */
function bar(days: TargetRow['days']): string {
  const runs: { cls: string; label: string; first: string; last: string; n: number }[] = [];
  for (const day of days) {
    const cls = dayClass(day.uptime);
    const label = day.uptime === null ? 'no data' : percent(day.uptime);
    const run = runs.at(-1);
    if (run && run.cls === cls && (cls === 'up' || cls === 'none')) {
      run.last = day.date;
      run.n++;
    } else runs.push({ cls, label, first: day.date, last: day.date, n: 1 });
  }
  return runs
    .map(({ cls, label, first, last, n }) => {
      const dates = n === 1 ? first : `${first} to ${last}`;
      const size = n === 1 ? '' : ` style="flex:${n};--n:${n}"`;
      return `<i class="${cls}"${size} title="${dates}: ${label}"></i>`;
    })
    .join('');
}

function dayClass(uptime: number | null): string {
  if (uptime === null) return 'none';
  if (uptime >= 1) return 'up';
  if (uptime >= 0.99) return 'mostly';
  if (uptime >= 0.95) return 'partly';
  return 'down';
}

/** Under the uptime of a target recorded for less than 90 days: the windows measure from then. */
function recordedFor(r: TargetRow, now: number): string {
  if (r.recordedSince === null) return '';
  const ms = now - Date.parse(r.recordedSince);
  return ms < WINDOWS['90d']
    ? `<small class="recorded">recorded for ${ms < 1000 ? 'a moment' : formatDuration(ms)}</small>`
    : '';
}

/** For how long a state has held, to the second: `for 2h 5m`, or `just now`. */
function lasted(ms: number): string {
  return ms < 1000 ? 'just now' : `for ${formatDuration(ms)}`;
}

function clock(ms: number, withDate = false): string {
  const iso = new Date(ms).toISOString();
  return withDate ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}

function shorten(text: string, max: number): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

export function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const CSS = `
:root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#656d76;--line:#d0d7de;--up:#2da44e;--mostly:#8ccf7e;--partly:#d4a72c;--down:#cf222e;--none:#e1e4e8;--bad-text:#cf222e;--good-text:#1a7f37;--held-text:#9a6700;--pill-up:#1a7f37;--pill-down:#cf222e;--pill-none:#6e7781}
@media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#8d96a0;--line:#30363d;--none:#2d333b;--bad-text:#ff7b72;--good-text:#3fb950;--held-text:#d29922;--pill-none:#57606a}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1200px;padding:16px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;background:var(--bg);color:var(--fg)}
h1{margin:0 0 4px;font-size:24px}h2{font-size:18px;margin:24px 0 8px}
a{color:inherit}
.summary{font-size:18px;font-weight:600;margin:4px 0}.summary.bad{color:var(--bad-text)}.summary.good{color:var(--good-text)}
.meta,.kind,.since,footer,.empty{color:var(--muted)}
.filter{display:flex;flex-wrap:wrap;align-items:center;gap:8px;margin:12px 0}
.filter input{flex:1 1 220px;padding:6px 8px;font:inherit}.filter select,.filter button{padding:6px 8px;font:inherit}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;vertical-align:top;padding:8px 6px;border-bottom:1px solid var(--line)}
th{font-weight:600;color:var(--muted)}
.name strong{overflow-wrap:anywhere}.kind a{color:var(--muted)}.kind{display:block;font-size:12px}.console{font-size:12px}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px;color:#fff;background:var(--pill-none)}
.pill.healthy{background:var(--pill-up)}.pill.unhealthy{background:var(--pill-down)}
.since,.held{display:block;font-size:12px}.held{color:var(--held-text);font-weight:600}
.uptime{white-space:nowrap}.uptime span{display:inline-block;min-width:62px;font-size:12px}.uptime b{display:block;font-size:13px}.uptime small{color:var(--muted)}
.bar{min-width:200px;width:28%}
.days{display:flex;height:26px}.days i{--c:var(--none);--n:1;flex:1;border-radius:1px;background:repeating-linear-gradient(90deg,var(--c) 0 calc(100% / var(--n) - 1px),transparent 0 calc(100% / var(--n)))}
.days .up{--c:var(--up)}.days .mostly{--c:var(--mostly)}.days .partly{--c:var(--partly)}.days .down{--c:var(--down)}
.detail{min-width:200px;max-width:320px;overflow-wrap:anywhere;font-size:12px}
@media (min-width:721px){.name strong{white-space:nowrap}}
.recorded{display:block;font-size:11px;color:var(--muted);white-space:normal}
tr[data-health=unhealthy] .name strong{color:var(--bad-text)}
.incidents .ongoing td{font-weight:600}.incidents .ongoing td::before{font-weight:400}
@media (max-width:720px){
 thead{display:none}
 table,tbody,tr,td{display:block;width:100%}
 tr{padding:10px 0;border-bottom:1px solid var(--line)}
 td{border:0;padding:3px 0}
 .bar{width:100%}
 td[data-label]::before{content:attr(data-label) " ";color:var(--muted);font-size:12px}
 .incidents tr{padding:6px 0}
 .incidents td{display:inline;padding:0}
 .incidents td:first-child{font-weight:600}
 .incidents td:nth-child(n+2)::before{color:var(--muted);font-weight:400}
 .incidents td:nth-child(2)::before{content:" · from "}.incidents td:nth-child(3)::before{content:" to "}
 .incidents td:nth-child(4)::before{content:" · "}.incidents td:nth-child(5)::before{content:" · "}
 .incidents td:nth-child(6)::before{content:" · "}
}
`;
