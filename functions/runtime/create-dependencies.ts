import type { Dependencies } from '../app/dependencies.ts';
import { PING_DELIVERY_BUDGET_MS } from '../app/ping.ts';
import { POLL_DELIVERY_BUDGET_MS } from '../app/poll.ts';
import { LogNotifier } from '../notify/log-notifier.ts';
import type { Notifier } from '../notify/notifier.ts';
import { SlackWebhookNotifier } from '../notify/slack-webhook.ts';
import { pingWatchdog } from '../notify/watchdog.ts';
import { MemoryIncidents } from '../store/memory-incidents.ts';
import { MemoryStateStore } from '../store/memory.ts';
import { withDeadline } from '../store/with-deadline.ts';
import { lazyFirestore, once, STORE_DEADLINE_MS } from './create-store.ts';
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

/** A notifier whose module loads with its first message; `destination` is known before. */
function loadedOnSend(destination: string, load: () => Promise<Notifier>): Notifier {
  const loaded = once(load);
  return {
    destination,
    send: async (notification, deadline, outgoing) => (await loaded()).send(notification, deadline, outgoing),
  };
}
