import { Firestore } from '@google-cloud/firestore';
import type { Dependencies } from '../app/dependencies.ts';
import { LogNotifier } from '../notify/log-notifier.ts';
import { SlackWebhookNotifier } from '../notify/slack-webhook.ts';
import { pingWatchdog } from '../notify/watchdog.ts';
import { FirestoreStateStore } from '../store/firestore.ts';
import { MemoryStateStore } from '../store/memory.ts';
import type { StateStore } from '../store/state-store.ts';
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
    ...(watchdogUrl ? { watchdog: () => pingWatchdog(watchdogUrl) } : {}),
  };
}

function createStore(settings: Settings): StateStore {
  if (settings.stateStore === 'memory') return new MemoryStateStore();
  return new FirestoreStateStore(
    // Not `preferRest`: it ignores the emulator and asks for real credentials
    // (https://github.com/googleapis/nodejs-firestore/issues/1811), so tests could not cover it.
    new Firestore({
      ...(settings.project ? { projectId: settings.project } : {}),
      ...(settings.firestoreDatabase ? { databaseId: settings.firestoreDatabase } : {}),
    }),
    settings.collectionPrefix,
  );
}
