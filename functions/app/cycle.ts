import type { Decision } from '../alerting/decide.ts';
import { planChanges } from '../alerting/plan.ts';
import { maintenanceUntil } from '../alerting/maintenance.ts';
import { silencedUntil } from '../alerting/silences.ts';
import { observeAll, type Observed } from '../checks/observe-all.ts';
import { discoveryKey } from '../checks/discovery.ts';
import { consoleUrl } from '../checks/registry.ts';
import type { Config } from '../config/load.ts';
import type { Resolved } from '../config/resolve.ts';
import type { Target } from '../config/schema.ts';
import type { TargetStatus } from '../model/target-status.ts';
import { routeNotifiers } from '../notify/routes.ts';
import { memberPrefixes, reconcileMembers } from './discovered.ts';
import { deliverOutbox, type DeliveryOptions, type DeliveryResult } from './deliver.ts';
import type { Dependencies } from './dependencies.ts';

export interface CycleOptions {
  /** Observe and decide; store nothing, send nothing. */
  dryRun: boolean;
  /** Every target of the file, on a full poll: the stored states of any other are forgotten. */
  allTargets?: readonly string[];
  /** Tidy stored data on the way (trim old pings): real polls only. */
  tidy: boolean;
  /**
   * What the targets are, already known, instead of checking them: a ping is its own evidence
   * (judged as it arrived, so a ping landing a moment later cannot swallow it).
   */
  observed?: Observed[];
  /** How long delivering may take, and which outbox entries this cycle delivers. */
  delivery: Omit<DeliveryOptions, 'stopping'>;
}

/** What one cycle saw and did, for the caller's report. */
export interface CycleResult {
  observed: Observed[];
  /** One per observed target, in the same order. */
  decisions: Decision[];
  /** The stored states the decisions were made against. */
  previous: ReadonlyMap<string, TargetStatus>;
  /** Targets silenced now (`?silence=` or a maintenance window), and until when. */
  silences: ReadonlyMap<string, Date>;
  delivery: DeliveryResult;
}

const NOTHING_DELIVERED: DeliveryResult = { sent: 0, undelivered: 0, failures: [] };

/**
 * The one path from observing to telling, shared by the poll (all targets, or some) and the ping
 * (its own target): observe → decide against the stored states, holds applied → record states,
 * transitions and messages in one compare-and-set → deliver the outbox.
 */
export async function runCycle(
  deps: Dependencies,
  config: Config,
  resolved: Resolved,
  options: CycleOptions,
): Promise<CycleResult> {
  const { store } = deps;
  const { targets } = resolved;
  const startedAt = deps.clock();
  const silences = silencedUntil(await store.silences(startedAt), targets, startedAt);
  const observed =
    options.observed ??
    (await observeAll(targets, config.concurrency, {
      store,
      now: startedAt,
      tidy: options.tidy,
      google: deps.google,
    }));
  const now = deps.clock();
  // A discovered resource (`orders/abc`) is silenced with its discovery target (`orders`).
  const silenced = (name: string) => silences.has(name) || silences.has(name.split('/')[0] ?? name);
  const windows = new Map(targets.map((t) => [t.name, t.maintenance]));
  const inMaintenance = (name: string) =>
    maintenanceUntil(windows.get(name) ?? windows.get(name.split('/')[0] ?? name) ?? [], startedAt) !== null;
  // A discovery target whose list failed has no one resource to link to.
  const linkOf = (target: Target) => (discoveryKey(target) === null ? consoleUrl(target) : null);
  const plan = (stored: ReadonlyMap<string, TargetStatus>) => {
    const members = reconcileMembers(observed, stored);
    const planned = planChanges(members.observed, stored, now, {
      silenced,
      inMaintenance,
      consoleUrl: linkOf,
      observedAt: startedAt,
    });
    const allTargets = options.allTargets && [
      ...options.allTargets,
      ...members.observed.map((o) => o.target.name),
      ...members.kept,
    ];
    return {
      observed: members.observed,
      decisions: planned.decisions,
      changes: { ...planned.changes, forget: members.gone, ...(allTargets && { allTargets }) },
    };
  };
  // Dependencies are read too (a `?target=` poll or a ping may not include them): they hold alerts
  // back. So are the stored members of discovery targets, to tell which resources are gone.
  const names = [...new Set(targets.flatMap((t) => [t.name, ...t.dependsOn])), ...memberPrefixes(observed)];

  if (options.dryRun) {
    const previous = await store.read(names);
    const planned = plan(previous);
    return { ...planned, previous, silences, delivery: NOTHING_DELIVERED };
  }
  let previous: ReadonlyMap<string, TargetStatus> = new Map();
  let planned: ReturnType<typeof plan> | undefined;
  await store.record(names, (stored) => {
    // Runs again if another poll wrote first; only the run that commits is kept.
    previous = stored;
    planned = plan(stored);
    return planned.changes;
  });
  const notifierFor = routeNotifiers(resolved.routes, deps.notifier, deps.webhook, deps.app);
  const delivery = await deliverOutbox(
    { store, notifierFor, clock: deps.clock, log: deps.log },
    { ...options.delivery, ...(deps.stopping ? { stopping: deps.stopping } : {}) },
  );
  return {
    observed: planned?.observed ?? observed,
    decisions: planned?.decisions ?? [],
    previous,
    silences,
    delivery,
  };
}
