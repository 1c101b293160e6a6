import type { GoogleApis } from '../checks/kind.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { Logger } from '../runtime/log.ts';
import type { StateStore } from '../store/state-store.ts';

/**
 * Everything the poll and the ping talk to, passed in (runtime/create-dependencies.ts builds the
 * real ones) so that tests point them at local fakes without patching modules.
 */
export interface Dependencies {
  targetsFile: string;
  /** For `${VAR}` in headers, route webhooks and the default project. */
  env: NodeJS.ProcessEnv;
  store: StateStore;
  /** The default route's notifier: Slack at SLACK_WEBHOOK_URL, or the log. */
  notifier: Notifier;
  /** Makes the notifier of a named route from its webhook URL. */
  webhook: (url: string) => Notifier;
  /** Makes the Slack app's notifier for a channel; absent without SLACK_BOT_TOKEN. */
  app?: (channel: string) => Notifier;
  google: GoogleApis;
  log: Logger;
  clock: () => Date;
  /** Called after each successful full poll (WATCHDOG_URL), so an outside observer sees polls stop. */
  watchdog?: () => Promise<void>;
  /** How long a poll, and a ping's immediate alert, may spend delivering messages. */
  deliveryBudgets: { pollMs: number; pingMs: number };
  /** True once the instance is shutting down (SIGTERM): no new message is started. */
  stopping?: () => boolean;
}
