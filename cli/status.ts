import { readStatus } from '../functions/app/status.ts';
import { formatDuration } from '../functions/config/duration.ts';
import { createDependencies } from '../functions/runtime/create-dependencies.ts';
import { jsonLogger } from '../functions/runtime/log.ts';
import { readSettings } from '../functions/runtime/settings.ts';
import {
  filterRows,
  recentIncidents,
  type StatusFilter,
  type StatusView,
  type TargetRow,
} from '../functions/status/view.ts';
import { percent, WINDOWS } from '../functions/status/uptime.ts';
import { columns } from './columns.ts';
import type { Io } from './validate.ts';

/**
 * `gcp-status-poller status [--json] [--filter TEXT] [--show all|unhealthy|held]`: the status
 * page's table in a terminal, read from this environment's store (GOOGLE_CLOUD_PROJECT, or the
 * emulator), without a poll. Exit 0 when it could read the state, whatever the targets' health;
 * 1 when it could not.
 */
export async function statusFromTerminal(
  options: { json: boolean; filter: StatusFilter },
  io: Io,
): Promise<number> {
  io.env['METADATA_SERVER_DETECTION'] ??= 'none';
  const settings = readSettings(io.env);
  if (settings.stateStore === 'memory') {
    io.err(
      'no store to read: set GOOGLE_CLOUD_PROJECT (and FIRESTORE_DATABASE, FIRESTORE_COLLECTION_PREFIX as deployed), or FIRESTORE_EMULATOR_HOST',
    );
    return 1;
  }
  const deps = createDependencies(
    settings,
    io.env,
    jsonLogger(() => undefined),
  );
  let view: StatusView;
  try {
    ({ view } = await readStatus(deps, { public: false }));
  } catch (error) {
    io.err(`could not read the state: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  const rows = filterRows(view.targets, options.filter);
  if (options.json) io.out(JSON.stringify({ ...view, targets: rows }, null, 2));
  else for (const line of statusTable(view, rows)) io.out(line);
  return 0;
}

/** The page's table: one line per target, then the incidents of the last 7 days. */
export function statusTable(view: StatusView, rows: readonly TargetRow[]): string[] {
  const now = Date.parse(view.generatedAt);
  const targets = columns(
    ['TARGET', 'STATE', 'FOR', '24H', '7D', '30D', '90D', 'ROUTE', 'DETAIL'],
    rows.map((r) => [
      r.name,
      `${r.health === 'unhealthy' ? '✗ ' : r.health === 'healthy' ? '✓ ' : '  '}${r.state ?? 'not checked'}`,
      r.since ? formatDuration(now - Date.parse(r.since)) : '',
      ...(['24h', '7d', '30d', '90d'] as const).map((w) => percent(r.uptime[w])),
      r.route ?? '',
      [
        r.waitingOn.length > 0 ? `[waiting on ${r.waitingOn.join(', ')}]` : '',
        r.held
          ? `[${r.held.by === 'maintenance' ? 'maintenance' : 'silenced'} until ${r.held.until.slice(0, 16)}Z]`
          : '',
        (r.detail ?? '').split('\n')[0]?.slice(0, 80) ?? '',
      ]
        .filter(Boolean)
        .join(' '),
    ]),
  );
  const incidents = recentIncidents(rows, now - WINDOWS['7d'], 20);
  const { summary } = view;
  return [
    ...targets,
    '',
    `${summary.total} targets: ${summary.unhealthy} unhealthy, ${summary.healthy} healthy` +
      `${summary.unchecked ? `, ${summary.unchecked} not checked yet` : ''}${summary.held ? `; ${summary.held} silenced or in maintenance` : ''}`,
    ...(incidents.length === 0
      ? ['no incident in the last 7 days']
      : [
          '',
          'INCIDENTS, LAST 7 DAYS',
          ...columns(
            ['TARGET', 'STARTED', 'ENDED', 'LASTED', 'STATES', 'ALERT'],
            incidents.map((i) => [
              i.target,
              `${i.from.slice(0, 16).replace('T', ' ')}Z`,
              i.to === null ? 'ongoing' : `${i.to.slice(0, 16).replace('T', ' ')}Z`,
              formatDuration(i.durationMs),
              i.states.join(' → '),
              i.heldBy
                ? `held back (${i.heldBy})${i.alerted ? ', then alerted' : ''}`
                : i.alerted
                  ? 'alerted'
                  : 'not alerted',
            ]),
          ),
        ]),
  ];
}
