import { judgePush } from './checks/push.ts';
import { loadConfig } from './config/load.ts';
import type { TargetOf } from './config/schema.ts';
import { deliverOutbox } from './deliver.ts';
import type { Logger } from './log.ts';
import type { Ping } from './model.ts';
import type { Notifier } from './notify/notifier.ts';
import { routeNotifiers } from './notify/routes.ts';
import type { PingRequest } from './ping-request.ts';
import { silencedUntil } from './silences.ts';
import { planChanges } from './plan.ts';
import { summarizePings } from './store/push-records.ts';
import type { StateStore } from './store/state-store.ts';

export interface PingDependencies {
  targetsFile: string;
  env: NodeJS.ProcessEnv;
  store: StateStore;
  notifier: Notifier;
  slack: (url: string) => Notifier;
  log: Logger;
  clock: () => Date;
}

export type PingOutcome = 'recorded' | 'unknown-target';

/**
 * Records one ping. A failure is also judged at once, through the same change rules and outbox as
 * a poll, so "backup failed" reaches Slack now rather than at the next poll, and exactly once:
 * the next poll sees FAILED already stored and says nothing more.
 */
export async function recordPing(
  deps: PingDependencies,
  request: PingRequest,
  body: string,
): Promise<PingOutcome> {
  const config = await loadConfig(deps.targetsFile, deps.env);
  const target = config.targets.find(
    (t): t is TargetOf<'push'> => t.name === request.target && t.kind === 'push',
  );
  if (!target) return 'unknown-target';

  const ping: Ping = {
    kind: request.kind,
    at: deps.clock(),
    message: body.trim() || request.msg,
    exitCode: request.exitCode,
    value: request.value,
  };
  await deps.store.recordPing(target.name, ping);
  deps.log(ping.kind === 'fail' ? 'WARNING' : 'INFO', `ping ${ping.kind} for ${target.name}`, {
    target: target.name,
    ping: ping.kind,
    exitCode: ping.exitCode,
  });
  if (ping.kind === 'fail') await alertNow(deps, target, ping, config.routes);
  return 'recorded';
}

/**
 * Failure alerts in flight in this process, by target. A burst of failure pings (a job retrying)
 * would otherwise race into one transaction each on the same document; queued, the first records
 * FAILED and the rest find it already stored and record nothing. Across instances the transaction still
 * guarantees one alert; this only spares the contention.
 */
const alerting = new Map<string, Promise<void>>();

function alertNow(
  deps: PingDependencies,
  target: TargetOf<'push'>,
  ping: Ping,
  routes: Readonly<Record<string, string>>,
): Promise<void> {
  const queued = (alerting.get(target.name) ?? Promise.resolve()).then(() =>
    alertIfChanged(deps, target, ping, routes),
  );
  alerting.set(target.name, queued);
  void queued.finally(() => {
    if (alerting.get(target.name) === queued) alerting.delete(target.name);
  });
  return queued;
}

async function alertIfChanged(
  deps: PingDependencies,
  target: TargetOf<'push'>,
  ping: Ping,
  routes: Readonly<Record<string, string>>,
): Promise<void> {
  const observation = judgePush(
    target,
    summarizePings({ lastSuccess: null, lastStart: null, lastFailure: ping.at }, [ping]),
    ping.at,
  );
  try {
    const silences = await silencedUntil(deps.store, [target], ping.at);
    await deps.store.record(
      // Its dependencies' states too: a failure behind a failing dependency waits for it.
      [target.name, ...target.dependsOn],
      (previous) =>
        planChanges([{ target, observation }], previous, ping.at, (name) => silences.has(name)).changes,
    );
    await deliverOutbox(deps.store, routeNotifiers(routes, deps.notifier, deps.slack), deps.clock, deps.log);
  } catch (error) {
    // The ping itself is stored: the next poll sees the failure and alerts then. Nothing is lost.
    deps.log(
      'WARNING',
      `immediate alert for ${target.name} deferred to the next poll: ${(error as Error).message}`,
      {
        target: target.name,
      },
    );
  }
}
