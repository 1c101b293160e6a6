import type { Target } from '../config/schema.ts';
import type { Notice } from '../model/notification.ts';
import { capDetail, type Observation } from '../model/observation.ts';
import type { TargetStatus } from '../model/target-status.ts';
import type { Transition } from '../model/transition.ts';
import type { Changes } from '../store/state-store.ts';
import { decide, type Decision } from './decide.ts';
import { applyHold } from './hold.ts';

/**
 * Detail kept per notice: enough for any renderer (Slack shows 2,800 characters of one alert),
 * shared out when one message covers many targets, so an outbox entry stays far below
 * Firestore's 1 MiB document limit. The transition keeps the whole detail.
 */
const NOTICE_DETAIL_BUDGET = 200_000;
/**
 * Targets one message lists at most: more make several messages. Slack shows 20 in full and
 * names the rest anyway; the bound keeps an outbox entry far below half of a Firestore document
 * however many targets change at once (ten thousand new ones on a first poll).
 */
export const MAX_NOTICES_PER_MESSAGE = 100;
const NOTICE_DETAIL_MAX = 3_000;
const NOTICE_DETAIL_MIN = 200;
/**
 * Detail kept over all of a poll's messages: they are written in one transaction, whose request
 * Firestore caps at 10 MiB. Ten thousand changes at once keep 100 characters each (~1 MB of
 * detail); the transitions keep every detail whole.
 */
const POLL_DETAIL_BUDGET = 1_000_000;
const POLL_DETAIL_MIN = 100;

export interface PlanOptions {
  /** Silenced by `?silence=` or a maintenance window at `now`. */
  silenced: (name: string) => boolean;
  /** In a maintenance window at `now` (a silence that says so in the history); absent: none. */
  inMaintenance?: (name: string) => boolean;
  /** The target's page for people, for the notice (the kind's console link). */
  consoleUrl: (target: Target) => string | null;
  /**
   * When the observations were made (the cycle's start). A target whose stored state changed
   * after that was recorded by an overlapping poll that saw it later: this poll's older view of
   * it is dropped, so it can neither undo that change nor report it again.
   */
  observedAt?: Date;
}

/**
 * Decides every target against its stored state and turns the decisions into what the store
 * writes: new states, transitions and, for those to be sent, one message per route. Pure, so
 * that a store transaction may run it again after a concurrent write.
 */
export function planChanges(
  observed: readonly { target: Target; observation: Observation }[],
  previous: ReadonlyMap<string, TargetStatus>,
  now: Date,
  options: PlanOptions,
): { decisions: Decision[]; changes: Changes } {
  const changes: Changes = { statuses: new Map(), transitions: [], messages: [] };
  const raw = observed.map(({ target, observation }): Decision => {
    const stored = previous.get(target.name);
    if (stored && options.observedAt && lastRecorded(stored) > options.observedAt.getTime()) {
      return { status: stored, write: false };
    }
    return decideSafely(target, observation, stored, now);
  });
  // Health after this poll, of the targets polled now and, for the rest, as stored.
  const position = new Map(observed.map((o, i) => [o.target.name, i]));
  const healthy = (name: string) =>
    raw[position.get(name) ?? -1]?.status.healthy ?? previous.get(name)?.healthy ?? true;
  const dependencyDown = (target: Target) => target.dependsOn.some((name) => !healthy(name));

  const due: { transition: Transition; target: Target; index: number }[] = [];
  const decisions = observed.map(({ target }, i) => {
    // A dependent's alerts wait while what it depends on is down, as in a silence.
    const held = options.silenced(target.name)
      ? options.inMaintenance?.(target.name)
        ? 'maintenance'
        : 'silence'
      : dependencyDown(target)
        ? 'dependency'
        : null;
    const decision = applyHold(target, raw[i] as Decision, held, now);
    const { transition } = decision;
    if (decision.write) changes.statuses.set(target.name, decision.status);
    if (transition) {
      const index = changes.transitions.push(transition) - 1;
      if (transition.message === 'send') due.push({ transition, target, index });
    }
    return decision;
  });
  // What a failing dependency's message says of the dependents held back behind it.
  const dependents = new Map<string, string[]>();
  observed.forEach(({ target }, i) => {
    if (decisions[i]?.status.healthy !== false) return;
    for (const name of target.dependsOn) dependents.set(name, [...(dependents.get(name) ?? []), target.name]);
  });
  const dependentsFailing = (name: string) => dependents.get(name) ?? [];
  // One message per route: a shared outage is one message listing every target, not forty.
  // Shared out over the whole poll first, when it changes that much.
  const pollShare = Math.max(POLL_DETAIL_MIN, Math.floor(POLL_DETAIL_BUDGET / Math.max(1, due.length)));
  for (const route of new Set(due.map((d) => d.target.route))) {
    const ofRoute = due.filter((d) => d.target.route === route);
    for (let from = 0; from < ofRoute.length; from += MAX_NOTICES_PER_MESSAGE) {
      const items = ofRoute.slice(from, from + MAX_NOTICES_PER_MESSAGE);
      const detailMax = Math.min(
        pollShare,
        Math.max(
          NOTICE_DETAIL_MIN,
          Math.min(NOTICE_DETAIL_MAX, Math.floor(NOTICE_DETAIL_BUDGET / items.length)),
        ),
      );
      changes.messages.push({
        route,
        transitions: items.map((d) => d.index),
        notices: items.map(({ transition, target }) =>
          notice(transition, target, {
            detailMax,
            consoleUrl: options.consoleUrl(target),
            dependents: transition.toHealthy ? [] : dependentsFailing(target.name),
          }),
        ),
      });
    }
  }
  return { decisions, changes };
}

/** When anything was last recorded of a target: its change, its streak, its reminder. */
function lastRecorded(status: TargetStatus): number {
  return Math.max(
    status.since.getTime(),
    status.streak?.since.getTime() ?? 0,
    status.remindedAt?.getTime() ?? 0,
  );
}

/**
 * One target's decision; if judging it throws (a stored entry of an unexpected shape, say), that
 * is this target's state, `INVALID_RESPONSE`, and every other target is still judged.
 */
function decideSafely(
  target: Target,
  observation: Observation,
  previous: TargetStatus | undefined,
  now: Date,
): Decision {
  try {
    return decide(target, observation, previous, now);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const failed = {
      state: 'INVALID_RESPONSE',
      detail: capDetail(`judging this target failed: ${reason}; ${observation.detail}`),
    };
    try {
      return decide(target, failed, previous, now);
    } catch {
      // Its stored state cannot be used at all: judged as if seen for the first time.
      return decide(target, failed, undefined, now);
    }
  }
}

function notice(
  transition: Transition,
  target: Target,
  facts: { detailMax: number; consoleUrl: string | null; dependents: string[] },
): Notice {
  const { detail } = transition;
  return {
    target: transition.target,
    kind: transition.kind,
    cause: transition.cause,
    from: transition.from,
    to: transition.to,
    toHealthy: transition.toHealthy,
    at: transition.at,
    detail: detail.length > facts.detailMax ? `${detail.slice(0, facts.detailMax)}… (truncated)` : detail,
    unhealthySince: transition.unhealthySince,
    mention: target.mention,
    allowedStates: target.allowedStates,
    consoleUrl: facts.consoleUrl,
    dependents: facts.dependents,
  };
}
