import type { Target } from './config/schema.ts';
import { applySilence, decide, type Decision } from './evaluate.ts';
import type { Observation, TargetStatus, Transition } from './model.ts';
import { buildMessages } from './notify/message.ts';
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
  const changes: Changes = { statuses: new Map(), transitions: [], messages: [] };
  const due: { transition: Transition; target: Target; index: number }[] = [];
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
      const index = changes.transitions.push(transition) - 1;
      if (transition.notify) due.push({ transition, target, index });
    }
    return decision;
  });
  // One message per route: a shared outage is one message listing every target, not forty.
  for (const route of new Set(due.map((d) => d.target.route))) {
    const items = due.filter((d) => d.target.route === route);
    changes.messages.push({ route, message: buildMessages(items), transitions: items.map((d) => d.index) });
  }
  return { decisions, changes };
}
