import type { Dependencies } from '../app/dependencies.ts';
import { PING_DELIVERY_BUDGET_MS } from '../app/ping.ts';
import { POLL_DELIVERY_BUDGET_MS } from '../app/poll.ts';
import { LogNotifier } from '../notify/log-notifier.ts';
import type { Notifier } from '../notify/notifier.ts';
import { SlackWebhookNotifier } from '../notify/slack-webhook.ts';
import { pingWatchdog } from '../notify/watchdog.ts';
import type { IncidentStore } from '../store/incident-store.ts';
import { MemoryIncidents } from '../store/memory-incidents.ts';
import { MemoryStateStore } from '../store/memory.ts';
import type { OperationCount, StateStore } from '../store/state-store.ts';
import { withDeadline } from '../store/with-deadline.ts';
import { googleApis } from './google-apis.ts';
import type { Logger } from './log.ts';
import type { Settings } from './settings.ts';

/** Builds the real clients from settings: the one place that decides what talks to what. */
export function createDependencies(settings: Settings, env: NodeJS.ProcessEnv, log: Logger): Dependencies {
  if (settings.stateStoreWarning) log('WARNING', settings.stateStoreWarning);
  const { watchdogUrl, slackApp } = settings;
  const firestore = settings.stateStore === 'memory' ? undefined : lazyFirestore(settings);
  const incidents = firestore
    ? withDeadline(firestore.incidents, STORE_DEADLINE_MS, 'Firestore')
    : new MemoryIncidents();
  // @slack/web-api (~40 ms) loads with the first message the app sends, not at cold start.
  const app = slackApp
    ? (channel: string): Notifier =>
        loadedOnSend(`slack app, channel ${channel}`, async () => {
          const { SlackAppNotifier } = await import('../notify/slack-app.ts');
          return new SlackAppNotifier(slackApp.token, channel, incidents, { apiUrl: slackApp.apiUrl });
        })
    : undefined;
  return {
    targetsFile: settings.targetsFile,
    env,
    store: firestore ? withDeadline(firestore.store, STORE_DEADLINE_MS, 'Firestore') : new MemoryStateStore(),
    // The app on SLACK_CHANNEL when there is one, else SLACK_WEBHOOK_URL, else the log.
    notifier:
      app && slackApp?.channel
        ? app(slackApp.channel)
        : settings.slackWebhookUrl
          ? new SlackWebhookNotifier(settings.slackWebhookUrl)
          : new LogNotifier(log),
    webhook: (url) => new SlackWebhookNotifier(url),
    ...(app ? { app } : {}),
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

/**
 * The Firestore store and incidents, their client loaded on first use: @google-cloud/firestore takes ~340 ms to
 * import, which a cold start would otherwise pay before it can answer anything (a ping's bad key,
 * a config error). Its operation counts are kept here, so they can be read before it loads.
 */
function lazyFirestore(settings: Settings): { store: StateStore; incidents: IncidentStore } {
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
function once<T>(load: () => Promise<T>): () => Promise<T> {
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

/** A notifier whose module loads with its first message; `destination` is known before. */
function loadedOnSend(destination: string, load: () => Promise<Notifier>): Notifier {
  const loaded = once(load);
  return {
    destination,
    send: async (notification, deadline, outgoing) => (await loaded()).send(notification, deadline, outgoing),
  };
}
