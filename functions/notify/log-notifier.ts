import type { Notification } from '../model/notification.ts';
import type { Logger } from '../runtime/log.ts';
import type { Notifier } from './notifier.ts';
import { slackMessage } from './slack-message.ts';

/**
 * Without SLACK_WEBHOOK_URL: the default route's messages are logged as the Slack message they
 * would have been. That counts as delivered (the report's `sent`), so nothing waits in the outbox.
 */
export class LogNotifier implements Notifier {
  readonly destination = 'log';
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log;
  }

  send(notification: Notification): Promise<void> {
    const message = slackMessage(notification);
    this.log('NOTICE', `notification (SLACK_WEBHOOK_URL is not set): ${message.text}`, {
      slackMessage: message,
    });
    return Promise.resolve();
  }
}
