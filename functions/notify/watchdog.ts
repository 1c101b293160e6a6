import { describeNetworkError } from '../net/network-error.ts';

/**
 * Pings a dead-man's-switch URL (Healthchecks, Better Stack, Uptime Kuma push…) after a poll
 * succeeded, so that an observer outside Google Cloud notices when polls stop altogether.
 * The URL is a secret: errors name the HTTP status or network failure, never the URL.
 */
export async function pingWatchdog(url: string, timeoutMs = 5000): Promise<void> {
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  try {
    response = await fetch(url, { method: 'GET', signal });
  } catch (error) {
    throw new Error(`watchdog unreachable: ${describeNetworkError(error, timeoutMs, signal)}`, {
      cause: error,
    });
  }
  await response.body?.cancel();
  if (!response.ok) throw new Error(`watchdog answered HTTP ${response.status}`);
}
