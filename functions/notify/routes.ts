import { DEFAULT_ROUTE } from '../config/default-route.ts';
import type { Notifier } from './notifier.ts';

/**
 * Route name → notifier: `default` is SLACK_WEBHOOK_URL's notifier (or the log without one), a
 * named route is a Slack webhook from its environment variable. Undefined: no such route here.
 */
export function routeNotifiers(
  routes: Readonly<Record<string, string>>,
  defaultNotifier: Notifier,
  webhook: (url: string) => Notifier,
): (route: string) => Notifier | undefined {
  const made = new Map<string, Notifier>();
  return (route) => {
    if (route === DEFAULT_ROUTE) return defaultNotifier;
    const url = routes[route];
    if (url === undefined) return undefined;
    const notifier = made.get(route) ?? webhook(url);
    made.set(route, notifier);
    return notifier;
  };
}
