import { DEFAULT_ROUTE } from '../config/default-route.ts';
import type { RouteTarget } from '../config/resolve.ts';
import type { Notifier } from './notifier.ts';

/**
 * Route name → notifier: `default` is the settings' notifier (the Slack app on SLACK_CHANNEL,
 * SLACK_WEBHOOK_URL, or the log), a named route a webhook or the app's channel. Undefined: no
 * such route here (or no Slack app for its channel).
 */
export function routeNotifiers(
  routes: Readonly<Record<string, RouteTarget>>,
  defaultNotifier: Notifier,
  webhook: (url: string) => Notifier,
  app?: (channel: string) => Notifier,
): (route: string) => Notifier | undefined {
  const made = new Map<string, Notifier>();
  return (route) => {
    if (route === DEFAULT_ROUTE) return defaultNotifier;
    const target = routes[route];
    if (target === undefined) return undefined;
    const notifier =
      made.get(route) ?? ('webhook' in target ? webhook(target.webhook) : app?.(target.channel));
    if (notifier) made.set(route, notifier);
    return notifier;
  };
}
