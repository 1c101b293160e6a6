import type { OutboundMessage } from '../model.ts';

/** Delivers one message, or throws {@link DeliveryError}. */
export interface Notifier {
  /** Where messages go, for logs and reports; never the webhook URL itself. */
  readonly destination: string;
  send(message: OutboundMessage): Promise<void>;
}

/**
 * Slack did not take the message. `permanent` means retrying will not help until someone fixes
 * the webhook (revoked, channel archived); the message is kept all the same.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly permanent: boolean;

  constructor(message: string, permanent: boolean) {
    super(message);
    this.permanent = permanent;
  }
}
