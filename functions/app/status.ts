import { discoveryKey, memberTarget } from '../checks/discovery.ts';
import { consoleUrl, loadKinds } from '../checks/registry.ts';
import { loadConfig } from '../config/load.ts';
import type { Target } from '../config/schema.ts';
import { statusView, type StatusView, type TargetRow } from '../status/view.ts';
import type { Dependencies } from './dependencies.ts';

/** What the status page reads: the targets file and the store, nothing else. */
export type StatusDependencies = Pick<Dependencies, 'targetsFile' | 'store' | 'clock'>;

/**
 * Everything a status page, its API or `gcp-status-poller status` shows, read without a write:
 * every board shard, every history shard and the silences: `2 × ceil(N / 500) + 1` documents for
 * N targets while entries are small (shards also split by size), however long the history.
 */
export async function readStatus(
  deps: StatusDependencies,
  options: { public: boolean },
): Promise<{ view: StatusView; reads: number }> {
  const before = deps.store.operations.reads;
  const config = await loadConfig(deps.targetsFile);
  // Console links come from each kind's module; a public page shows none, and loads none.
  if (!options.public) await loadKinds(config.targets);
  // `name/` selects the members a discovery target found, stored under it.
  const names = config.targets.flatMap((t) => [t.name, `${t.name}/`]);
  const view = await viewOf(deps, config.targets, { statuses: names, histories: names }, options);
  return { view, reads: deps.store.operations.reads - before };
}

/**
 * One target as the page shows it (or a resource a discovery target found, `orders/abc`), for a
 * badge or its history: the shards holding it (and its dependencies) and the silences, 5 documents
 * at most when it depends on nothing. Undefined when the file has no such target or the store no
 * such resource.
 */
export async function readTarget(
  deps: StatusDependencies,
  name: string,
  options: { public: boolean },
): Promise<TargetRow | undefined> {
  // A target, or one member of one (`orders/abc`): never a prefix, which would read every shard.
  const parts = name.split('/');
  if (parts.some((part) => part === '')) return undefined;
  const config = await loadConfig(deps.targetsFile);
  const target = config.targets.find((t) => t.name === parts[0]);
  if (!target) return undefined;
  if (!options.public) await loadKinds([target]);
  // Its dependencies' states too: whether its alerts wait behind theirs.
  const reads = { statuses: [name, ...target.dependsOn], histories: [name] };
  const view = await viewOf(deps, [target], reads, options);
  return view.targets.find((row) => row.name === name);
}

/** The view of `targets`, from the states and history entries of `names` and the silences. */
async function viewOf(
  deps: StatusDependencies,
  targets: readonly Target[],
  names: { statuses: readonly string[]; histories: readonly string[] },
  options: { public: boolean },
): Promise<StatusView> {
  const now = deps.clock();
  const [statuses, histories, silences] = await Promise.all([
    deps.store.read(names.statuses),
    deps.store.histories(names.histories),
    deps.store.silences(now),
  ]);
  return statusView({
    targets,
    statuses,
    histories,
    silences,
    now,
    public: options.public,
    consoleUrl: linkOf,
  });
}

/**
 * A target's console link; for a discovery target (`instance: "*"`) none, as its alerts have none,
 * and for each resource it found, that resource's own.
 */
function linkOf(target: Target, name: string): string | null {
  const key = discoveryKey(target);
  if (key === null) return name === target.name ? consoleUrl(target) : null;
  return name === target.name
    ? null
    : consoleUrl(memberTarget(target, key, name.slice(target.name.length + 1)));
}
