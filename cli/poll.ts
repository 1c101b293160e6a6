import { poll } from '../functions/app/poll.ts';
import type { PollReport, TargetReport } from '../functions/app/report.ts';
import { createDependencies } from '../functions/runtime/create-dependencies.ts';
import { jsonLogger } from '../functions/runtime/log.ts';
import { readSettings } from '../functions/runtime/settings.ts';
import { columns } from './columns.ts';
import type { Io } from './validate.ts';

/**
 * `gcp-status-poller poll [--dry-run] [--target NAME]… [--json]`: one poll from the terminal, with
 * the environment's store and Slack (as `npm start` would use them), read as a table. Exit 0 when
 * the poll did its job, 1 when it could not (the same as the HTTP 200 and 500).
 */
export async function pollFromTerminal(
  options: { dryRun: boolean; targets: string[]; json: boolean; verbose: boolean },
  io: Io,
): Promise<number> {
  // A terminal is not on Google Cloud: no metadata server to probe (see runtime/all-in-one.ts).
  io.env['METADATA_SERVER_DETECTION'] ??= 'none';
  // The poll's JSON log lines go to stderr only when asked for: the table is the answer.
  const log = jsonLogger(options.verbose ? io.err : () => undefined);
  const deps = createDependencies(readSettings(io.env), io.env, log);
  let report: PollReport;
  try {
    report = await poll(deps, { dryRun: options.dryRun, only: options.targets });
  } catch (error) {
    io.err(`poll failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  if (options.json) io.out(JSON.stringify(report, null, 2));
  else for (const line of table(report)) io.out(line);
  if (report.error) io.err(report.error);
  return report.ok ? 0 : 1;
}

/** A table a person reads: one line per target, the first line of its detail, then the sums. */
export function table(report: PollReport): string[] {
  const rows = report.targets.map((t) => [
    t.name,
    t.kind,
    t.state,
    health(t),
    t.changed ? `was ${t.previousState ?? 'never seen'}` : '',
    (t.detail.split('\n')[0] ?? '').slice(0, 100),
  ]);
  const unhealthy = report.targets.filter((t) => !t.healthy).length;
  return [
    ...columns(['TARGET', 'KIND', 'STATE', 'HEALTH', 'CHANGE', 'DETAIL'], rows),
    '',
    `${report.targets.length} targets, ${unhealthy} unhealthy; ${report.notifications.sent} sent, ` +
      `${report.notifications.pending} pending; ${report.durationMs} ms`,
  ];
}

function health(t: TargetReport): string {
  if (t.pending) return `${t.healthy ? 'healthy' : 'UNHEALTHY'} (changing: ${t.pending.state})`;
  return t.healthy ? 'healthy' : 'UNHEALTHY';
}
