import { formatDuration } from './config/duration.ts';
import type { datastream_v1 } from 'googleapis/build/src/apis/datastream/index.js';
import { observeAll, type Observed } from './checks/observe-all.ts';
import { loadConfig } from './config/load.ts';
import type { Kind } from './config/schema.ts';
import { deliverOutbox } from './deliver.ts';
import { confirmedState, type Decision } from './evaluate.ts';
import type { Logger } from './log.ts';
import type { TargetStatus } from './model.ts';
import type { Notifier } from './notify/notifier.ts';
import { routeNotifiers } from './notify/routes.ts';
import { planChanges } from './plan.ts';
import { silencedUntil } from './silences.ts';
import type { StateStore } from './store/state-store.ts';

/** Everything a poll talks to, passed in so tests can point it at local fakes. */
export interface PollDependencies {
  targetsFile: string;
  /** For `${VAR}` in headers and the default project. */
  env: NodeJS.ProcessEnv;
  store: StateStore;
  /** The default route's notifier: Slack at SLACK_WEBHOOK_URL, or the log. */
  notifier: Notifier;
  /** Makes the notifier of a named route from its webhook URL. */
  slack: (url: string) => Notifier;
  datastream: () => datastream_v1.Datastream;
  log: Logger;
  clock: () => Date;
  /** Called after each successful full poll (WATCHDOG_URL), so an outside observer sees polls stop. */
  watchdog?: () => Promise<void>;
}

export interface PollOptions {
  /** Observe and report; store nothing, send nothing. */
  dryRun: boolean;
  /** Poll only these targets; empty: all of them. */
  only: readonly string[];
  /** `?silence=NAME&for=2h`: record changes of that target but send nothing, for that long. */
  silence?: { target: string; forMs: number };
  /** `?unsilence=NAME`: lift its silence now. */
  unsilence?: string;
}

export interface TargetReport {
  name: string;
  kind: Kind;
  state: string;
  healthy: boolean;
  /** This poll recorded a transition for the target. */
  changed: boolean;
  previousState: string | null;
  /** A change of health being counted towards its threshold, not recorded yet. */
  pending?: { state: string; count: number; since: string; threshold?: number; for?: string };
  /** Silenced (`?silence=`) until then: changes are recorded, not sent. */
  silencedUntil?: string;
  detail: string;
  durationMs: number;
}

export interface PollReport {
  ok: boolean;
  startedAt: string;
  durationMs: number;
  targets: TargetReport[];
  notifications: { sent: number; pending: number };
  error?: string;
}

/** `?target=` named a target that the file does not have. */
export class UnknownTargetError extends Error {
  override readonly name = 'UnknownTargetError';
}

/** One poll: load the targets, observe them, record what changed, send what is due, report. */
export async function poll(deps: PollDependencies, options: PollOptions): Promise<PollReport> {
  const startedAt = deps.clock();
  const config = await loadConfig(deps.targetsFile, deps.env);
  const named = [...options.only, options.silence?.target, options.unsilence].filter((n) => n !== undefined);
  const unknown = named.filter((name) => !config.targets.some((t) => t.name === name));
  if (unknown.length > 0)
    throw new UnknownTargetError(`no target named ${unknown.join(', ')} in ${deps.targetsFile}`);
  const targets =
    options.only.length > 0 ? config.targets.filter((t) => options.only.includes(t.name)) : config.targets;
  const names = targets.map((t) => t.name);
  if (options.silence) {
    await deps.store.silence(options.silence.target, new Date(startedAt.getTime() + options.silence.forMs));
  }
  if (options.unsilence) await deps.store.silence(options.unsilence, null);
  const silences = await silencedUntil(deps.store, targets, startedAt);
  const silenced = (name: string) => silences.has(name);

  const pushRecords = await deps.store.pushRecords(
    targets.filter((t) => t.kind === 'push').map((t) => t.name),
    { trim: !options.dryRun },
  );
  const observed = await observeAll(targets, config.concurrency, {
    datastream: deps.datastream,
    pushRecord: (name) => Promise.resolve(pushRecords.get(name)),
    now: startedAt,
  });
  const now = deps.clock();

  let previous: ReadonlyMap<string, TargetStatus> = new Map();
  let decisions: Decision[];
  let delivery = { sent: 0, pending: 0, failures: [] as string[] };
  // Dependencies are read too (a `?target=` poll may not include them): they hold alerts back.
  const withDependencies = [...new Set([...names, ...targets.flatMap((t) => t.dependsOn)])];
  if (options.dryRun) {
    previous = await deps.store.read(withDependencies);
    decisions = planChanges(observed, previous, now, silenced).decisions;
  } else {
    decisions = [];
    await deps.store.record(withDependencies, (stored) => {
      // Runs again if another poll wrote first; only the run that commits is kept.
      previous = stored;
      const plan = planChanges(observed, stored, now, silenced);
      decisions = plan.decisions;
      const changes = plan.changes;
      return options.only.length === 0 ? { ...changes, allTargets: names } : changes;
    });
    const notifierFor = routeNotifiers(config.routes, deps.notifier, deps.slack);
    delivery = await deliverOutbox(deps.store, notifierFor, deps.clock, deps.log);
  }

  const report: PollReport = {
    ok: delivery.pending === 0,
    startedAt: startedAt.toISOString(),
    durationMs: deps.clock().getTime() - startedAt.getTime(),
    targets: observed.map((o, i) =>
      targetReport(o, decisions[i], previous.get(o.target.name), silences.get(o.target.name)),
    ),
    notifications: { sent: delivery.sent, pending: delivery.pending },
  };
  if (delivery.failures.length > 0) report.error = delivery.failures.join('\n');
  logReport(deps.log, report, options);
  if (report.ok && !options.dryRun && options.only.length === 0 && deps.watchdog) {
    await deps.watchdog().catch((error: unknown) => {
      // The poll itself succeeded; a missed ping is what the watchdog is there to notice.
      deps.log('WARNING', `watchdog ping failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  return report;
}

function targetReport(
  o: Observed,
  decision: Decision | undefined,
  previous: TargetStatus | undefined,
  silencedUntil: Date | undefined,
): TargetReport {
  const report: TargetReport = {
    name: o.target.name,
    kind: o.target.kind,
    state: o.observation.state,
    healthy: decision?.status.healthy ?? false,
    changed:
      decision?.transition !== undefined &&
      !decision.transition.reminder &&
      !decision.transition.afterSilence,
    previousState: confirmedState(previous),
    detail: o.observation.detail,
    durationMs: o.durationMs,
  };
  if (silencedUntil) report.silencedUntil = silencedUntil.toISOString();
  const streak = decision?.status.streak;
  if (streak) {
    const needed = streak.healthy ? o.target.successThreshold : o.target.failureThreshold;
    report.pending = {
      state: streak.state,
      count: streak.count,
      since: streak.since.toISOString(),
      ...('count' in needed ? { threshold: needed.count } : { for: formatDuration(needed.forMs) }),
    };
  }
  return report;
}

function logReport(log: Logger, report: PollReport, options: PollOptions): void {
  for (const t of report.targets) {
    const pending = t.pending
      ? ` (pending: ${t.pending.count}${t.pending.threshold ? `/${t.pending.threshold}` : ` polls, needs ${t.pending.for ?? ''}`})`
      : '';
    log(
      t.healthy && !t.pending ? 'INFO' : 'WARNING',
      `${t.name}: ${t.state}${t.changed ? ` (was ${t.previousState ?? 'never seen'})` : ''}${pending}`,
      {
        target: t.name,
        kind: t.kind,
        state: t.state,
        healthy: t.healthy,
        changed: t.changed,
        previousState: t.previousState,
        ...(t.pending ? { pending: t.pending } : {}),
        detail: t.detail,
        durationMs: t.durationMs,
      },
    );
  }
  const unhealthy = report.targets.filter((t) => !t.healthy).length;
  const changed = report.targets.filter((t) => t.changed).length;
  log(
    report.ok ? 'INFO' : 'ERROR',
    `poll ${report.ok ? 'done' : 'incomplete'}: ${report.targets.length} targets, ${unhealthy} unhealthy, ` +
      `${changed} changed, ${report.notifications.sent} sent, ${report.notifications.pending} pending`,
    {
      pollSummary: true,
      dryRun: options.dryRun,
      targets: report.targets.length,
      unhealthy,
      changed,
      ...report.notifications,
      durationMs: report.durationMs,
      ...(report.error ? { error: report.error } : {}),
    },
  );
}
