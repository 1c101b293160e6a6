import type { WeeklyReport } from './report.ts';
import type { Transition } from './transition.ts';

/**
 * One transition as a notification tells it: what happened, and the facts about its target at
 * that moment that a notifier needs to tell it (whom to mention, what would have been healthy,
 * where to look). Stored in the outbox as data; each notifier renders its own format when it sends.
 */
export interface Notice extends Pick<
  Transition,
  'target' | 'kind' | 'cause' | 'from' | 'to' | 'toHealthy' | 'at' | 'detail' | 'unhealthySince'
> {
  /** Raw mention syntax of the target's route (`<!subteam^S0123>`); empty: mention no one. */
  mention: string[];
  allowedStates: string[];
  /** The resource's page (the Cloud console), when its kind has one. */
  consoleUrl: string | null;
  /** Targets that depend on this one and are failing too, their alerts held back behind it. */
  dependents: string[];
}

/**
 * A Slack message rendered before it was stored: outbox entries written by versions before 0.2
 * hold one. Still delivered as it is, so an upgrade loses and repeats nothing.
 */
export interface PrerenderedSlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/** An operator checking that a route reaches its channel (`test-notification`); never stored. */
export interface TestMessage {
  route: string;
  at: Date;
}

/** What a notifier is asked to deliver: the notices of one route from one poll (or ping). */
export type Notification =
  | { notices: Notice[] }
  | { prerendered: PrerenderedSlackMessage }
  | { test: TestMessage }
  | { report: WeeklyReport };
