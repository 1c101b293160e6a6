import type { Target } from './config/schema.ts';
import { applySilence, decide, type Decision } from './evaluate.ts';
import type { Observation, TargetStatus } from './model.ts';
import { buildMessage } from './notify/message.ts';
import type { Changes } from './store/state-store.ts';

/**
 * Decides every target against its stored state and turns the decisions into what the store
 * writes: new states, transitions and, for those to be sent, their messages. Pure, so that a
 * store transaction may run it again after a concurrent write.
 */
export function planChanges(
  observed: readonly { target: Target; observation: Observation }[],
  previous: ReadonlyMap<string, TargetStatus>,
  now: Date,
  silenced: (name: string) => boolean = () => false,
): { decisions: Decision[]; changes: Changes } {
  const changes: Changes = { statuses: new Map(), transitions: [] };
  const decisions = observed.map(({ target, observation }) => {
    const decision = applySilence(
      target,
      decide(target, observation, previous.get(target.name), now),
      silenced(target.name),
      now,
    );
    const { transition } = decision;
    if (decision.changed) changes.statuses.set(target.name, decision.status);
    if (transition) {
      changes.transitions.push(
        transition.notify
          ? { transition, message: buildMessage(transition, target), route: target.route }
          : { transition },
      );
    }
    return decision;
  });
  return { decisions, changes };
}
