import { sendTestNotification } from '../functions/app/test-notification.ts';
import { createDependencies } from '../functions/runtime/create-dependencies.ts';
import { jsonLogger } from '../functions/runtime/log.ts';
import { readSettings } from '../functions/runtime/settings.ts';
import type { Io } from './validate.ts';

/**
 * `gcp-status-poller test-notification [route] [--url URL --token TOKEN]`: a clearly marked test
 * message through a route, so an operator sees the webhook reach its channel. Locally, with this
 * environment's webhooks; with `--url`, through a deployed poll function (`?testNotification=`),
 * which uses its own, with an identity token (`gcloud auth print-identity-token`).
 */
export async function testNotification(
  route: string,
  remote: { url: string; token: string | undefined } | undefined,
  io: Io,
): Promise<number> {
  if (remote) {
    const url = `${remote.url.replace(/\/+$/, '')}/?testNotification=${encodeURIComponent(route)}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: remote.token ? { authorization: `Bearer ${remote.token}` } : {},
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      io.err(`could not reach ${remote.url}: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
    const body = await response.text();
    let said: string = body.slice(0, 300);
    try {
      said = (JSON.parse(body) as { error?: string }).error ?? said;
    } catch {
      // Not JSON (a 403 page from Cloud Run without a token, say): shown as it came.
    }
    if (response.ok) io.out(`sent a test message through route ${route} of ${remote.url}`);
    else io.err(`HTTP ${response.status}: ${said}`);
    return response.ok ? 0 : 1;
  }
  const deps = createDependencies(
    readSettings(io.env),
    io.env,
    jsonLogger(() => undefined),
  );
  try {
    const destination = await sendTestNotification(deps, route);
    io.out(`sent a test message through route ${route} (${destination})`);
    return 0;
  } catch (error) {
    io.err(`test message not sent: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
