import type { Notification } from '../model/notification.ts';

/**
 * Delivers notifications to one destination, rendering them in its own format when it sends
 * (what is stored is what happened, never a rendered message). Throws {@link DeliveryError}.
 */
export interface Notifier {
  /** Where messages go, for logs and reports; never a webhook URL or token. */
  readonly destination: string;
  /**
   * Delivers, or gives up (DeliveryError) by `deadline`: no request or wait may outlast it.
   * `outgoing` is the outbox entry being sent (absent for a test message, which is stored nowhere).
   */
  send(notification: Notification, deadline: Date, outgoing?: Outgoing): Promise<void>;
}

/** The outbox entry a notification is sent for, as far as a notifier needs to know it. */
export interface Outgoing {
  id: string;
  createdAt: Date;
  /**
   * A send of it was started before (it failed, or its sender died with the lease): part of it
   * may have reached the destination, and a notifier that can tell (the Slack app) looks first.
   */
  mayHaveBeenSent: boolean;
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
