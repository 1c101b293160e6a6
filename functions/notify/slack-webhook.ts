import { IncomingWebhook, IncomingWebhookHTTPError, type FetchFunction } from '@slack/webhook';
import type { Notification } from '../model/notification.ts';
import { describeNetworkError } from '../net/network-error.ts';
import { DeliveryError, type Notifier } from './notifier.ts';
import { slackMessage, type SlackMessage } from './slack-message.ts';
import { withinDeadline, type Attempt, type AttemptLimits } from './within-deadline.ts';

/** Slack's answers that no retry will fix: https://api.slack.com/messaging/webhooks#handling_errors */
const PERMANENT_STATUSES = new Set([400, 403, 404, 410]);

export interface SlackWebhookOptions {
  /** Per request. */
  timeoutMs?: number;
  /**
   * The longest `Retry-After` worth waiting for within a poll; a longer one leaves the message
   * pending for the next poll instead of outliving the function's timeout.
   */
  maxRetryAfterMs?: number;
  /** Waits, swappable so tests need not sleep through a real `Retry-After`. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Sends through a Slack incoming webhook, rendering Block Kit at send time. The URL is a secret:
 * it appears in no error or log.
 */
export class SlackWebhookNotifier implements Notifier {
  readonly destination = 'slack';
  private readonly url: string;
  private readonly limits: AttemptLimits;

  constructor(url: string, options: SlackWebhookOptions = {}) {
    this.url = url;
    // Below the 8 s an instance gets after SIGTERM (runtime/shutdown.ts): a request under way
    // then always ends, and is marked sent, before the instance is killed.
    this.limits = {
      timeoutMs: options.timeoutMs ?? 7_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    };
  }

  async send(notification: Notification, deadline: Date): Promise<void> {
    const message = slackMessage(notification);
    await withinDeadline(deadline, this.limits, (timeoutMs) => this.attempt(message, timeoutMs));
  }

  private async attempt(message: SlackMessage, timeoutMs: number): Promise<Attempt<void>> {
    const seen: { retryAfter: string | null } = { retryAfter: null };
    // The client keeps response headers to itself; Retry-After is read on the way through.
    const capturing: FetchFunction = async (url, init) => {
      const response = await fetch(url, init);
      seen.retryAfter = response.headers.get('retry-after');
      return response;
    };
    const webhook = new IncomingWebhook(this.url, { timeout: timeoutMs, fetch: capturing });
    try {
      await webhook.send({ text: message.text, blocks: message.blocks as never });
      return { answer: undefined };
    } catch (error) {
      if (error instanceof IncomingWebhookHTTPError) {
        const body = error.body.slice(0, 200);
        const seconds = error.statusCode === 429 ? Number(seen.retryAfter ?? '1') : NaN;
        return {
          error: new DeliveryError(
            `Slack answered HTTP ${error.statusCode}${body ? ` (${body})` : ''}` +
              (Number.isFinite(seconds) ? `, retry after ${seconds}s` : ''),
            PERMANENT_STATUSES.has(error.statusCode),
          ),
          retryAfterMs: Number.isFinite(seconds) ? seconds * 1000 : null,
        };
      }
      // Request errors carry the underlying cause (timeout, refused); their text holds no URL.
      return {
        error: new DeliveryError(`Slack unreachable: ${describeNetworkError(error, timeoutMs)}`, false),
        retryAfterMs: null,
      };
    }
  }
}
