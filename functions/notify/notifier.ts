import type { Notification } from '../model/notification.ts';

/**
 * Delivers notifications to one destination, rendering them in its own format when it sends
 * (what is stored is what happened, never a rendered message). Throws {@link DeliveryError}.
 */
export interface Notifier {
  /** Where messages go, for logs and reports; never a webhook URL or token. */
  readonly destination: string;
  /** Delivers, or gives up (DeliveryError) by `deadline`: no request or wait may outlast it. */
  send(notification: Notification, deadline: Date): Promise<void>;
}

/**
 * The destination did not take the message. `permanent` means retrying will not help until
 * someone fixes the destination (webhook revoked, channel archived); the message is kept all the same.
 */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly permanent: boolean;

  constructor(message: string, permanent: boolean) {
    super(message);
    this.permanent = permanent;
  }
}
