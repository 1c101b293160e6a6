import { consoleUrl, loadKinds } from '../checks/registry.ts';
import { loadConfig } from '../config/load.ts';
import { statusView, type StatusView } from '../status/view.ts';
import type { Dependencies } from './dependencies.ts';

/** What the status page reads: the targets file and the store, nothing else. */
export type StatusDependencies = Pick<Dependencies, 'targetsFile' | 'store' | 'clock'>;

/**
 * Everything a status page, its API, a badge or `gcp-status-poller status` shows, read without a
 * write: the board, the history entries and the silences. Reads `2 × ceil(N / 500) + 1`
 * documents for N targets (board shards, history shards, silences), however long the history.
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
  const now = deps.clock();
  const [statuses, histories, silences] = await Promise.all([
    deps.store.read(names),
    deps.store.histories(names),
    deps.store.silences(now),
  ]);
  const view = statusView({
    targets: config.targets,
    statuses,
    histories,
    silences,
    now,
    public: options.public,
    consoleUrl,
  });
  return { view, reads: deps.store.operations.reads - before };
}
