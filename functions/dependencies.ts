import { Firestore } from '@google-cloud/firestore';
import { auth, datastream_v1 } from 'googleapis/build/src/apis/datastream/index.js';
import type { Logger } from './log.ts';
import { LogNotifier, SlackNotifier } from './notify/slack.ts';
import { pingWatchdog } from './notify/watchdog.ts';
import type { PollDependencies } from './poll.ts';
import type { Settings } from './settings.ts';
import { FirestoreStateStore } from './store/firestore.ts';
import { MemoryStateStore } from './store/memory.ts';

/** Builds the real clients from settings: the one place that decides what talks to what. */
export function createDependencies(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  log: Logger,
): PollDependencies {
  if (settings.stateStoreWarning) log('WARNING', settings.stateStoreWarning);
  const { watchdogUrl } = settings;
  const store =
    settings.stateStore === 'firestore'
      ? new FirestoreStateStore(
          // Not `preferRest`: it ignores the emulator and asks for real credentials
          // (https://github.com/googleapis/nodejs-firestore/issues/1811), so tests could not cover it.
          new Firestore({
            ...(settings.project ? { projectId: settings.project } : {}),
            ...(settings.firestoreDatabase ? { databaseId: settings.firestoreDatabase } : {}),
          }),
          settings.collectionPrefix,
        )
      : new MemoryStateStore();
  return {
    targetsFile: settings.targetsFile,
    env,
    store,
    notifier: settings.slackWebhookUrl ? new SlackNotifier(settings.slackWebhookUrl) : new LogNotifier(log),
    slack: (url) => new SlackNotifier(url),
    datastream: lazy(() => datastreamClient(settings.datastreamApiUrl)),
    log,
    clock: () => new Date(),
    ...(watchdogUrl ? { watchdog: () => pingWatchdog(watchdogUrl) } : {}),
  };
}

/**
 * Against Google: Application Default Credentials. Against `DATASTREAM_API_URL` (a local fake or
 * emulator): no credentials at all, so none can leak to it and none are needed to run tests.
 */
function datastreamClient(apiUrl: string | undefined): datastream_v1.Datastream {
  if (apiUrl) return new datastream_v1.Datastream({ rootUrl: apiUrl });
  return new datastream_v1.Datastream({
    auth: new auth.GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }),
  });
}

function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
