import { loadConfig } from '../config/load.ts';
import { resolveAll } from '../config/resolve.ts';
import { DEFAULT_ROUTE } from '../config/default-route.ts';
import { routeNotifiers } from '../notify/routes.ts';
import type { Dependencies } from './dependencies.ts';

/** The route asked for is neither `default` nor one of the file's `routes`. */
export class UnknownRouteError extends Error {
  override readonly name = 'UnknownRouteError';
}

/** The route has no webhook in this environment: a test message would reach no channel. */
export class NoWebhookError extends Error {
  override readonly name = 'NoWebhookError';
}

/** How long a test message may take: it is an operator waiting at a terminal. */
const TEST_DELIVERY_MS = 10_000;

/**
 * Sends a clearly marked test message through `route` now, not through the outbox: an operator
 * checks that a webhook reaches its channel after deploying. Resolves with where it went; throws
 * the notifier's DeliveryError, with Slack's answer, when it did not.
 */
export async function sendTestNotification(deps: Dependencies, route: string): Promise<string> {
  const config = await loadConfig(deps.targetsFile);
  if (route !== DEFAULT_ROUTE && !(route in config.routes)) {
    const known = [DEFAULT_ROUTE, ...Object.keys(config.routes)].join(' | ');
    throw new UnknownRouteError(`no route named "${route}" in ${deps.targetsFile}; expected ${known}`);
  }
  // Only the routes are needed, but an unset route variable should say so as a poll would.
  const { routes } = resolveAll(config, [], deps.env);
  // Defined: the route was checked above, and resolveAll has a URL for every named one.
  const notifier = routeNotifiers(routes, deps.notifier, deps.webhook, deps.app)(route);
  if (!notifier) throw new UnknownRouteError(`route "${route}" has no notifier`);
  if (notifier.destination === 'log') {
    // Logging is a fine fallback for alerts, but a test that nothing reached must not pass.
    throw new NoWebhookError(
      `route ${route} has no Slack webhook here (SLACK_WEBHOOK_URL is not set): its messages are only logged`,
    );
  }
  await notifier.send({ test: { route, at: deps.clock() } }, new Date(Date.now() + TEST_DELIVERY_MS));
  deps.log('NOTICE', `test message sent through route ${route} (${notifier.destination})`, { route });
  return notifier.destination;
}
