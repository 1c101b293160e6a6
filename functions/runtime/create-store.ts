import type { StatusDependencies } from '../app/status.ts';
import type { IncidentStore } from '../store/incident-store.ts';
import { MemoryStateStore } from '../store/memory.ts';
import type { OperationCount, StateStore } from '../store/state-store.ts';
import { withDeadline } from '../store/with-deadline.ts';
import type { Logger } from './log.ts';
import type { Settings } from './settings.ts';

/**
 * What the read-only status function needs, and nothing of the poll's: the store and the targets
 * file. Apart from createDependencies so that a status instance loads no notifier, no Slack
 * client and no poll module at its cold start.
 */
export function createStatusDependencies(
  settings: Settings,
  log: Logger,
): StatusDependencies & { log: Logger } {
  if (settings.stateStoreWarning) log('WARNING', settings.stateStoreWarning);
  return {
    targetsFile: settings.targetsFile,
    store:
      settings.stateStore === 'memory'
        ? new MemoryStateStore()
        : withDeadline(lazyFirestore(settings).store, STORE_DEADLINE_MS, 'Firestore'),
    clock: () => new Date(),
    log,
  };
}

/**
 * How long one Firestore call may take. A healthy call takes milliseconds (a transaction under
 * contention a few seconds); past this the database is unreachable, and the poll answers 500
 * well within the function's 120 s timeout, even after a slow observation.
 */
export const STORE_DEADLINE_MS = 20_000;

/**
 * The Firestore store and incidents, their client loaded on first use: @google-cloud/firestore takes ~340 ms to
 * import, which a cold start would otherwise pay before it can answer anything (a ping's bad key,
 * a config error). Its operation counts are kept here, so they can be read before it loads.
 */
export function lazyFirestore(settings: Settings): { store: StateStore; incidents: IncidentStore } {
  const operations: OperationCount = { reads: 0, writes: 0 };
  const db = once(async () => {
    const { Firestore } = await import('@google-cloud/firestore');
    // Not `preferRest`: it ignores the emulator and asks for real credentials
    // (https://github.com/googleapis/nodejs-firestore/issues/1811), so tests could not cover it.
    return new Firestore({
      // Said, not looked up: otherwise the client asks Application Default Credentials for the
      // universe, which probes a metadata server that only exists on Google Cloud (a warning on
      // every local and emulator run). The credentials themselves are still ADC's.
      universeDomain: 'googleapis.com',
      ...(settings.project ? { projectId: settings.project } : {}),
      ...(settings.firestoreDatabase ? { databaseId: settings.firestoreDatabase } : {}),
    });
  });
  const store = onFirstCall<StateStore>(
    async () => {
      const { FirestoreStateStore } = await import('../store/firestore.ts');
      return new FirestoreStateStore(await db(), settings.collectionPrefix, operations);
    },
    { operations },
  );
  const incidents = onFirstCall<IncidentStore>(async () => {
    const { FirestoreIncidents } = await import('../store/firestore-incidents.ts');
    return new FirestoreIncidents(await db(), settings.collectionPrefix, operations);
  });
  return { store, incidents };
}

/** `load`, run once; a load that failed is tried again by the next call, not kept. */
export function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));
}

/** An object whose methods load it on their first call; `fixed` properties are there before. */
function onFirstCall<T extends object>(load: () => Promise<T>, fixed: Partial<T> = {}): T {
  const loaded = once(load);
  return new Proxy(fixed as T, {
    get(target, property) {
      if (property in target) return target[property as keyof T];
      return async (...args: unknown[]) => {
        const object = (await loaded()) as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>;
        return object[property]?.(...args);
      };
    },
  });
}
