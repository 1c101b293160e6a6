import { DeliveryError } from './notifier.ts';

/** Less than this left before the deadline: not worth starting a request. */
const MIN_ATTEMPT_MS = 500;

/** What one request to a destination came to: its answer, or why not and when to come back. */
export type Attempt<T> = { answer: T } | { error: DeliveryError; retryAfterMs: number | null };

export interface AttemptLimits {
  /** Per request. */
  timeoutMs: number;
  /** The longest `Retry-After` worth waiting for within a delivery. */
  maxRetryAfterMs: number;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Makes a request (`attempt`, given its timeout) within a delivery's `deadline`: no request or
 * wait outlasts it. Rate limited, the destination says when to come back: once more, and only if
 * that fits. Shared by the webhook and the Slack app, so both answer Slack alike.
 */
export async function withinDeadline<T>(
  deadline: Date,
  limits: AttemptLimits,
  attempt: (timeoutMs: number) => Promise<Attempt<T>>,
): Promise<T> {
  for (let tries = 0; ; tries++) {
    const left = deadline.getTime() - Date.now();
    const timeoutMs = Math.min(limits.timeoutMs, left);
    if (timeoutMs < MIN_ATTEMPT_MS) {
      throw new DeliveryError('no time left in this delivery to reach Slack', false);
    }
    const outcome = await attempt(timeoutMs);
    if ('answer' in outcome) return outcome.answer;
    const wait = outcome.retryAfterMs;
    if (tries > 0 || wait === null || wait > limits.maxRetryAfterMs || wait + MIN_ATTEMPT_MS > left) {
      throw outcome.error;
    }
    await limits.sleep(wait);
  }
}
