import { loadKinds } from '../checks/registry.ts';
import { loadConfig } from '../config/load.ts';
import { resolveAll } from '../config/resolve.ts';
import { runCycle } from './cycle.ts';
import { queueDueReports } from './reports.ts';
import type { Dependencies } from './dependencies.ts';
import { logReport, pollReport, type PollReport } from './report.ts';

export interface PollOptions {
  /** Observe and report; store nothing, send nothing. */
  dryRun: boolean;
  /** Poll only these targets; empty: all of them. */
  only: readonly string[];
  /** `?silence=NAME&for=2h`: record changes of that target but send nothing, for that long. */
  silence?: { target: string; forMs: number };
  /** `?unsilence=NAME`: lift its silence now. */
  unsilence?: string;
  /** `?testNotification=ROUTE`: send a test message through that route instead of polling. */
  testNotification?: string;
}

/**
 * The most a poll spends delivering messages. The function's timeout (120 s by default) has to
 * hold the observation (a target's timeout is at most 1 minute) and the store's writes too; what
 * is not delivered in time waits in the outbox for the next poll.
 */
export const POLL_DELIVERY_BUDGET_MS = 30_000;

/** `?target=` named a target that the file does not have. */
export class UnknownTargetError extends Error {
  override readonly name = 'UnknownTargetError';
}

/** One poll: load the targets, apply silences asked for, run the cycle, report, ping the watchdog. */
export async function poll(deps: Dependencies, options: PollOptions): Promise<PollReport> {
  const startedAt = deps.clock();
  const before = { ...deps.store.operations };
  const config = await loadConfig(deps.targetsFile);
  const named = [...options.only, options.silence?.target, options.unsilence].filter((n) => n !== undefined);
  const unknown = named.filter((name) => !config.targets.some((t) => t.name === name));
  if (unknown.length > 0)
    throw new UnknownTargetError(`no target named ${unknown.join(', ')} in ${deps.targetsFile}`);
  const full = options.only.length === 0;
  const targets = full ? config.targets : config.targets.filter((t) => options.only.includes(t.name));
  await loadKinds(targets);
  const resolved = resolveAll(config, targets, deps.env);
  if (options.silence) {
    await deps.store.silence(options.silence.target, new Date(startedAt.getTime() + options.silence.forMs));
  }
  if (options.unsilence) await deps.store.silence(options.unsilence, null);
  // Before the cycle, whose delivery then sends them. A report that cannot be made must not stop
  // the alerts: it is said, and tried again on the next poll.
  if (full && !options.dryRun) {
    await queueDueReports(deps, config, startedAt).catch((error: unknown) => {
      deps.log(
        'ERROR',
        `weekly reports not queued: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
  }

  const cycle = await runCycle(deps, config, resolved, {
    dryRun: options.dryRun,
    tidy: !options.dryRun,
    delivery: { budgetMs: deps.deliveryBudgets.pollMs },
    ...(full ? { allTargets: config.targets.map((t) => t.name) } : {}),
  });
  const report = pollReport(cycle, startedAt, deps.clock());
  const { reads, writes } = deps.store.operations;
  logReport(deps.log, report, options.dryRun, {
    reads: reads - before.reads,
    writes: writes - before.writes,
  });
  if (report.ok && !options.dryRun && full && deps.watchdog) {
    await deps.watchdog().catch((error: unknown) => {
      // The poll itself succeeded; a missed ping is what the watchdog is there to notice.
      deps.log('WARNING', `watchdog ping failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  return report;
}
