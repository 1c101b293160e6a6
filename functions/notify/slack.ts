import { IncomingWebhook, IncomingWebhookHTTPError } from '@slack/webhook';
import type { Logger } from '../log.ts';
import { describeNetworkError } from '../network-error.ts';
import type { OutboundMessage } from '../model.ts';
import { DeliveryError, type Notifier } from './notifier.ts';

/** Slack's answers that no retry will fix: https://api.slack.com/messaging/webhooks#handling_errors */
const PERMANENT_STATUSES = new Set([400, 403, 404, 410]);

/** Sends through a Slack incoming webhook. The URL is a secret: it appears in no error or log. */
export class SlackNotifier implements Notifier {
  readonly destination = 'slack';
  private readonly webhook: IncomingWebhook;
  private readonly timeoutMs: number;

  constructor(url: string, timeoutMs = 10_000) {
    this.timeoutMs = timeoutMs;
    this.webhook = new IncomingWebhook(url, { timeout: timeoutMs });
  }

  async send(message: OutboundMessage): Promise<void> {
    try {
      await this.webhook.send({ text: message.text, blocks: message.blocks as never });
    } catch (error) {
      if (error instanceof IncomingWebhookHTTPError) {
        const body = error.body.slice(0, 200);
        throw new DeliveryError(
          `Slack answered HTTP ${error.statusCode}${body ? ` (${body})` : ''}`,
          PERMANENT_STATUSES.has(error.statusCode),
        );
      }
      // Request errors carry the underlying cause (timeout, refused); their text holds no URL.
      throw new DeliveryError(`Slack unreachable: ${describeNetworkError(error, this.timeoutMs)}`, false);
    }
  }
}

/** Without SLACK_WEBHOOK_URL: messages are logged, which counts as delivered. */
export class LogNotifier implements Notifier {
  readonly destination = 'log';
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log;
  }

  send(message: OutboundMessage): Promise<void> {
    this.log('NOTICE', `notification (SLACK_WEBHOOK_URL is not set): ${message.text}`, {
      slackMessage: message,
    });
    return Promise.resolve();
  }
}
