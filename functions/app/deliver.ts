import { formatDuration } from '../config/duration.ts';
import { DeliveryError, type Notifier } from '../notify/notifier.ts';
import type { Logger } from '../runtime/log.ts';
import type { OutboxEntry, StateStore } from '../store/state-store.ts';

/**
 * Longer than one delivery may take (a request is cut at the delivery deadline, at the latest),
 * so a lease only expires when its poll died.
 */
const LEASE_MS = 60_000;

export interface DeliveryResult {
  sent: number;
  /** Still in the outbox after this poll: failed now, waiting behind another, or left for later. */
  undelivered: number;
  /** Why messages failed, one line each, for the report's error. */
  failures: string[];
}

export interface DeliveryOptions {
  /** The longest this delivery may take; what is left is pending for the next poll. */
  budgetMs: number;
  /** Only these entries (a ping delivers what concerns its own target); default: all. */
  only?: (entry: OutboxEntry) => boolean;
  /** Stop starting new sends (the instance is shutting down); one under way finishes. */
  stopping?: () => boolean;
}

export interface DeliveryContext {
  store: StateStore;
  notifierFor: (route: string) => Notifier | undefined;
  clock: () => Date;
  log: Logger;
}

/** How often to look whether another poll has delivered a message it holds (each look reads the outbox). */
const RECHECK_MS = 1_000;
/**
 * How long to wait for it: a send under way ends within one Slack request (7 s) and a write. A
 * lease that outlives this belongs to a poll that died; it is reported pending, not waited out.
 */
const WAIT_FOR_OTHERS_MS = 10_000;

/** The entries that are still in the outbox once their senders had until `deadline`. */
async function sentElsewhere(
  store: StateStore,
  entries: readonly OutboxEntry[],
  deadline: Date,
  stopping: () => boolean,
): Promise<readonly OutboxEntry[]> {
  let waiting = entries;
  const until = Math.min(deadline.getTime(), Date.now() + WAIT_FOR_OTHERS_MS);
  while (waiting.length > 0 && Date.now() + RECHECK_MS < until && !stopping()) {
    await new Promise((resolve) => setTimeout(resolve, RECHECK_MS));
    const left = new Set((await store.undelivered()).map((entry) => entry.id));
    waiting = waiting.filter((entry) => left.has(entry.id));
  }
  return waiting;
}

/**
 * Sends what the outbox holds, oldest first: this poll's messages and any that an earlier poll
 * could not deliver. A target's messages keep their order (an alert never arrives after its
 * recovery): once one is not delivered, that target's later ones wait for the next poll too. A
 * message that another poll is sending right now (it holds the lease) is left to it and counted
 * as pending here. The whole delivery fits in `budgetMs`, so a hanging Slack cannot outlive the
 * function: each send gets the time that is left, and what is not started by then waits.
 */
export async function deliverOutbox(
  { store, notifierFor, clock, log }: DeliveryContext,
  options: DeliveryOptions,
): Promise<DeliveryResult> {
  const result: DeliveryResult = { sent: 0, undelivered: 0, failures: [] };
  // Real time, not the poll's clock: the budget is about how long this function runs.
  const deadline = new Date(Date.now() + options.budgetMs);
  // Targets with an undelivered message: their later messages wait, so order is kept.
  const blocked = new Set<string>();
  const block = (entry: OutboxEntry) => {
    for (const target of entry.targets) blocked.add(target);
  };
  const hold = (entry: OutboxEntry, failure?: string) => {
    block(entry);
    result.undelivered++;
    if (failure) result.failures.push(failure);
  };
  let unstarted = 0;
  const elsewhere: OutboxEntry[] = [];
  for (const entry of await store.undelivered()) {
    if (options.only && !options.only(entry)) {
      // Not this delivery's to send, but its targets' later messages must not overtake it.
      block(entry);
      continue;
    }
    const what = described(entry);
    if (entry.targets.some((target) => blocked.has(target))) {
      hold(entry);
      continue;
    }
    if (Date.now() >= deadline.getTime() || options.stopping?.()) {
      unstarted++;
      hold(entry);
      continue;
    }
    const notifier = notifierFor(entry.route);
    if (!notifier) {
      // Its route was removed from the targets file (or, for a ping, its webhook is not in this
      // function's environment): keep it for a poll that has the route.
      hold(entry, `${what} not delivered: route "${entry.route}" is not defined`);
      continue;
    }
    const now = clock();
    const claim = await store.claim(entry.id, now, new Date(now.getTime() + LEASE_MS));
    if (!claim) {
      // Another poll holds it (or held it and died): see below whether it gets delivered.
      block(entry);
      elsewhere.push(entry);
      continue;
    }
    try {
      await notifier.send(entry.notification, deadline, {
        id: entry.id,
        createdAt: entry.createdAt,
        // As of the claim: another sender may have tried it since this delivery listed it.
        mayHaveBeenSent: claim.mayHaveBeenSent,
      });
    } catch (error) {
      // An error of our own (a message that cannot be rendered) is kept like a refusal: the
      // message is not lost, the others go on, and the log says why.
      const failed =
        error instanceof DeliveryError
          ? error
          : new DeliveryError(
              `could not be sent: ${error instanceof Error ? error.message : String(error)}`,
              true,
            );
      await store.release(entry.id, failed.message);
      const failure = `${what} not delivered to route ${entry.route} (${notifier.destination}): ${failed.message}`;
      hold(entry, failure);
      log(failed.permanent ? 'ERROR' : 'WARNING', failure, {
        targets: entry.targets,
        route: entry.route,
        permanent: failed.permanent,
        attempts: entry.attempts + 1,
      });
      continue;
    }
    // The destination has it now; if this write fails the lease expires and a later poll sends it
    // again: the one duplicate an incoming webhook (which has no idempotency key) cannot rule out,
    // and the Slack app can (it finds the message by its metadata first).
    await store.markSent(entry, clock());
    result.sent++;
  }
  // A message another poll is sending counts as delivered only once it has left the outbox; one
  // whose lease outlives this delivery (its poll died mid-send) is pending, and this poll says so.
  const stopping = options.stopping ?? (() => false);
  for (const entry of await sentElsewhere(store, elsewhere, deadline, stopping)) {
    hold(entry, `${described(entry)} is being sent by another poll`);
  }
  if (unstarted > 0) {
    result.failures.push(
      options.stopping?.()
        ? `${unstarted} notification(s) left for the next poll: this instance is shutting down`
        : `${unstarted} notification(s) left for the next poll: the delivery budget of ${formatDuration(options.budgetMs)} is used up`,
    );
  }
  return result;
}

/** An entry as failures name it: by its targets, or as the report it is. */
function described(entry: OutboxEntry): string {
  return 'report' in entry.notification
    ? `weekly report of route ${entry.route}`
    : `notification for ${entry.targets.join(', ')}`;
}
