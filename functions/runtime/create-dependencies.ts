import type { Dependencies } from '../app/dependencies.ts';
import { PING_DELIVERY_BUDGET_MS } from '../app/ping.ts';
import { POLL_DELIVERY_BUDGET_MS } from '../app/poll.ts';
import { LogNotifier } from '../notify/log-notifier.ts';
import { SlackWebhookNotifier } from '../notify/slack-webhook.ts';
import { pingWatchdog } from '../notify/watchdog.ts';
import { MemoryStateStore } from '../store/memory.ts';
import type { OperationCount, StateStore } from '../store/state-store.ts';
import { withDeadline } from '../store/with-deadline.ts';
import { googleApis } from './google-apis.ts';
import type { Logger } from './log.ts';
import type { Settings } from './settings.ts';

/** Builds the real clients from settings: the one place that decides what talks to what. */
export function createDependencies(settings: Settings, env: NodeJS.ProcessEnv, log: Logger): Dependencies {
  if (settings.stateStoreWarning) log('WARNING', settings.stateStoreWarning);
  const { watchdogUrl } = settings;
  return {
    targetsFile: settings.targetsFile,
    env,
    store: createStore(settings),
    notifier: settings.slackWebhookUrl
      ? new SlackWebhookNotifier(settings.slackWebhookUrl)
      : new LogNotifier(log),
    webhook: (url) => new SlackWebhookNotifier(url),
    google: googleApis(env),
    log,
    clock: () => new Date(),
    deliveryBudgets: { pollMs: POLL_DELIVERY_BUDGET_MS, pingMs: PING_DELIVERY_BUDGET_MS },
    ...(watchdogUrl ? { watchdog: () => pingWatchdog(watchdogUrl) } : {}),
  };
}

/**
 * How long one Firestore call may take. A healthy call takes milliseconds (a transaction under
 * contention a few seconds); past this the database is unreachable, and the poll answers 500
 * well within the function's 120 s timeout, even after a slow observation.
 */
export const STORE_DEADLINE_MS = 20_000;

function createStore(settings: Settings): StateStore {
  if (settings.stateStore === 'memory') return new MemoryStateStore();
  return withDeadline(lazyFirestore(settings), STORE_DEADLINE_MS, 'Firestore');
}

/**
 * The Firestore store, its client loaded on first use: @google-cloud/firestore takes ~340 ms to
 * import, which a cold start would otherwise pay before it can answer anything (a ping's bad key,
 * a config error). Its operation counts are kept here, so they can be read before it loads.
 */
function lazyFirestore(settings: Settings): StateStore {
  const operations: OperationCount = { reads: 0, writes: 0 };
  let store: Promise<StateStore> | undefined;
  const load = async (): Promise<StateStore> => {
    const [{ Firestore }, { FirestoreStateStore }] = await Promise.all([
      import('@google-cloud/firestore'),
      import('../store/firestore.ts'),
    ]);
    return new FirestoreStateStore(
      // Not `preferRest`: it ignores the emulator and asks for real credentials
      // (https://github.com/googleapis/nodejs-firestore/issues/1811), so tests could not cover it.
      new Firestore({
        // Said, not looked up: otherwise the client asks Application Default Credentials for the
        // universe, which probes a metadata server that only exists on Google Cloud (a warning on
        // every local and emulator run). The credentials themselves are still ADC's.
        universeDomain: 'googleapis.com',
        ...(settings.project ? { projectId: settings.project } : {}),
        ...(settings.firestoreDatabase ? { databaseId: settings.firestoreDatabase } : {}),
      }),
      settings.collectionPrefix,
      operations,
    );
  };
  return new Proxy({} as StateStore, {
    get(_, property) {
      if (property === 'operations') return operations;
      return async (...args: unknown[]) => {
        // A load that failed is tried again by the next call, not kept.
        store ??= load().catch((error: unknown) => {
          store = undefined;
          throw error;
        });
        const loaded = (await store) as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>;
        return loaded[property]?.(...args);
      };
    },
  });
}
