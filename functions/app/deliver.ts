import { DeliveryError, type Notifier } from '../notify/notifier.ts';
import type { Logger } from '../runtime/log.ts';
import type { OutboxEntry, StateStore } from '../store/state-store.ts';

/** Longer than one delivery may take, so a lease only expires when its poll died. */
const LEASE_MS = 60_000;

export interface DeliveryResult {
  sent: number;
  /** Still in the outbox after this poll: failed now, or waiting behind an older failed message. */
  undelivered: number;
  /** Why messages failed, one line each, for the report's error. */
  failures: string[];
}

/**
 * Sends everything in the outbox, oldest first: this poll's messages and any that an earlier poll
 * could not deliver. A target's messages keep their order (an alert never arrives after its
 * recovery): once one fails, that target's later ones wait for the next poll too. A message that
 * another poll is sending right now (it holds the lease) is left to it.
 */
export async function deliverOutbox(
  store: StateStore,
  notifierFor: (route: string) => Notifier | undefined,
  clock: () => Date,
  log: Logger,
): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: 0, undelivered: 0, failures: [] };
  // Targets with an undelivered message: their later messages wait, so order is kept.
  const blocked = new Set<string>();
  const hold = (entry: OutboxEntry) => {
    for (const target of entry.targets) blocked.add(target);
    result.undelivered++;
  };
  for (const entry of await store.undelivered()) {
    const names = entry.targets.join(', ');
    if (entry.targets.some((target) => blocked.has(target))) {
      hold(entry);
      continue;
    }
    const notifier = notifierFor(entry.route);
    if (!notifier) {
      // Its route was removed from the targets file (or, for a ping, its webhook is not in this
      // function's environment): keep it for a poll that has the route.
      hold(entry);
      result.failures.push(`notification for ${names} not delivered: route "${entry.route}" is not defined`);
      continue;
    }
    const now = clock();
    if (!(await store.claim(entry.id, now, new Date(now.getTime() + LEASE_MS)))) continue;
    try {
      await notifier.send(entry.notification);
    } catch (error) {
      if (!(error instanceof DeliveryError)) throw error;
      await store.release(entry.id, error.message);
      hold(entry);
      const failure = `notification for ${names} not delivered to route ${entry.route} (${notifier.destination}): ${error.message}`;
      result.failures.push(failure);
      log(error.permanent ? 'ERROR' : 'WARNING', failure, {
        targets: entry.targets,
        route: entry.route,
        permanent: error.permanent,
        attempts: entry.attempts + 1,
      });
      continue;
    }
    // The destination has it now; if this write fails the lease expires and a later poll sends it
    // again, the one duplicate an incoming webhook (which has no idempotency key) cannot rule out.
    await store.markSent(entry, clock());
    result.sent++;
  }
  return result;
}
