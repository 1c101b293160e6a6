import { loadConfig, type Config } from '../config/load.ts';
import { resolveOnly } from '../config/resolve.ts';
import { judgePing } from '../checks/push.ts';
import { loadKinds } from '../checks/registry.ts';
import { sanitizeObservation } from '../model/observation.ts';
import type { TargetOf } from '../config/schema.ts';
import type { Ping, PingKind } from '../model/ping.ts';
import { runCycle } from './cycle.ts';
import type { Dependencies } from './dependencies.ts';

/**
 * The most a ping spends delivering its immediate alert: a job's curl should not hang on Slack.
 * Older messages of other targets are the poll's job; what is not delivered in time, the next
 * poll sends.
 */
export const PING_DELIVERY_BUDGET_MS = 5_000;

/** A ping as the request says it (http/ping-request.ts), without the key. */
export interface PingInput {
  target: string;
  kind: PingKind;
  exitCode: number | null;
  value: number | null;
  /** The body or `?msg=`, capped. */
  message: string;
}

export type PingOutcome = 'recorded' | 'unknown-target';

/**
 * Records one ping. A failure then runs the poll's own cycle for this one target, judged from the
 * ping itself, so "backup
 * failed" reaches Slack now rather than at the next poll, and exactly once: the next poll finds
 * FAILED already stored and says nothing more. Only this target and the routes whose webhooks
 * this function has are resolved, so nothing another target needs can fail a ping.
 */
export async function recordPing(deps: Dependencies, input: PingInput): Promise<PingOutcome> {
  const config = await loadConfig(deps.targetsFile);
  const target = config.targets.find(
    (t): t is TargetOf<'push'> => t.name === input.target && t.kind === 'push',
  );
  if (!target) return 'unknown-target';

  const ping: Ping = {
    kind: input.kind,
    at: deps.clock(),
    message: input.message,
    exitCode: input.exitCode,
    value: input.value,
  };
  await deps.store.recordPing(target.name, ping);
  deps.log(ping.kind === 'fail' ? 'WARNING' : 'INFO', `ping ${ping.kind} for ${target.name}`, {
    target: target.name,
    ping: ping.kind,
    exitCode: ping.exitCode,
  });
  // A success is told at once too: a recovery now, and a later failure is then a change again.
  if (ping.kind !== 'start') await alertNow(deps, config, target, ping);
  return 'recorded';
}

/**
 * Failure alerts in flight in this process, by target. A burst of failure pings (a job retrying)
 * would otherwise race into one transaction each on the same document; queued, the first records
 * FAILED and the rest find it already stored and record nothing. Across instances the transaction
 * still guarantees one alert; this only spares the contention.
 */
const alerting = new Map<string, Promise<void>>();

function alertNow(deps: Dependencies, config: Config, target: TargetOf<'push'>, ping: Ping): Promise<void> {
  const queued = (alerting.get(target.name) ?? Promise.resolve()).then(() =>
    alertIfChanged(deps, config, target, ping),
  );
  alerting.set(target.name, queued);
  void queued.finally(() => {
    if (alerting.get(target.name) === queued) alerting.delete(target.name);
  });
  return queued;
}

async function alertIfChanged(
  deps: Dependencies,
  config: Config,
  target: TargetOf<'push'>,
  ping: Ping,
): Promise<void> {
  try {
    await loadKinds([target]);
    const resolved = resolveOnly(config, [target], deps.env);
    const observed = resolved.targets.map((t) => ({
      target: t,
      observation: sanitizeObservation(judgePing(target, ping)),
      durationMs: 0,
    }));
    await runCycle(deps, config, resolved, {
      dryRun: false,
      tidy: false,
      observed,
      delivery: {
        budgetMs: deps.deliveryBudgets.pingMs,
        only: (entry) => entry.targets.includes(target.name),
      },
    });
  } catch (error) {
    // The ping itself is stored: the next poll sees the failure and alerts then. Nothing is lost.
    deps.log(
      'WARNING',
      `immediate alert for ${target.name} deferred to the next poll: ${(error as Error).message}`,
      { target: target.name },
    );
  }
}
