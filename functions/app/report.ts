import type { Decision } from '../alerting/decide.ts';
import type { Observed } from '../checks/observe-all.ts';
import type { OperationCount } from '../store/state-store.ts';
import { formatDuration } from '../config/duration.ts';
import type { Kind } from '../config/schema.ts';
import type { TargetStatus } from '../model/target-status.ts';
import type { Logger } from '../runtime/log.ts';
import type { CycleResult } from './cycle.ts';

/** One target in the poll's answer (DESIGN.md, "HTTP contract of poll"). */
export interface TargetReport {
  name: string;
  kind: Kind;
  state: string;
  healthy: boolean;
  /** This poll recorded a change of state for the target (not a reminder, not a released hold). */
  changed: boolean;
  previousState: string | null;
  /** A change of health being counted towards its threshold, not recorded yet. */
  pending?: { state: string; count: number; since: string; threshold?: number; for?: string };
  /** Silenced (`?silence=` or a maintenance window) until then: changes are recorded, not sent. */
  silencedUntil?: string;
  detail: string;
  durationMs: number;
}

export interface PollReport {
  ok: boolean;
  startedAt: string;
  durationMs: number;
  targets: TargetReport[];
  /** Messages delivered by this poll (to Slack, or to the log without a webhook), and still waiting. */
  notifications: { sent: number; pending: number };
  error?: string;
}

/** The answer of a poll: ok when every due message was delivered, whatever the targets' health. */
export function pollReport(cycle: CycleResult, startedAt: Date, now: Date): PollReport {
  const { delivery } = cycle;
  const report: PollReport = {
    ok: delivery.undelivered === 0,
    startedAt: startedAt.toISOString(),
    durationMs: now.getTime() - startedAt.getTime(),
    targets: cycle.observed.map((o, i) =>
      targetReport(
        o,
        cycle.decisions[i],
        cycle.previous.get(o.target.name),
        cycle.silences.get(o.target.name),
      ),
    ),
    notifications: { sent: delivery.sent, pending: delivery.undelivered },
  };
  if (delivery.failures.length > 0) report.error = delivery.failures.join('\n');
  return report;
}

/** A poll that could not do its job (bad config, store down): no targets, the error. */
export function failedReport(startedAt: Date, now: Date, error: string): PollReport {
  return { ...withoutTargets(startedAt, now, 0), ok: false, error };
}

/** A request that checked no target but sent a message (`?testNotification=`). */
export function testSentReport(startedAt: Date, now: Date): PollReport {
  return withoutTargets(startedAt, now, 1);
}

function withoutTargets(startedAt: Date, now: Date, sent: number): PollReport {
  return {
    ok: true,
    startedAt: startedAt.toISOString(),
    durationMs: now.getTime() - startedAt.getTime(),
    targets: [],
    notifications: { sent, pending: 0 },
  };
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
    changed: decision?.transition?.cause === 'change',
    previousState: previous?.state ?? null,
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

/** One JSON line per target and one summary, with Cloud Logging's severity. */
export function logReport(
  log: Logger,
  report: PollReport,
  dryRun: boolean,
  /** The store's reads and writes during the poll (of this instance: overlapping polls add up). */
  store?: OperationCount,
): void {
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
      dryRun,
      targets: report.targets.length,
      unhealthy,
      changed,
      ...report.notifications,
      durationMs: report.durationMs,
      ...(store ? { store } : {}),
      ...(report.error ? { error: report.error } : {}),
    },
  );
}
