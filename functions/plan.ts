import type { Target } from './config/schema.ts';
import { streamConsoleUrl } from './checks/datastream.ts';
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
  const raw = observed.map(({ target, observation }) =>
    decide(target, observation, previous.get(target.name), now),
  );
  // Health after this poll, of the targets polled now and, for the rest, as stored.
  const healthy = (name: string) =>
    raw[observed.findIndex((o) => o.target.name === name)]?.status.healthy ??
    previous.get(name)?.healthy ??
    true;
  const dependencyDown = (target: Target) => target.dependsOn.some((name) => !healthy(name));

  const due: { transition: Transition; target: Target; index: number }[] = [];
  const decisions = observed.map(({ target }, i) => {
    const decision = applySilence(
      target,
      raw[i] as Decision,
      // A dependent's alerts wait while what it depends on is down, as in a silence.
      silenced(target.name) || dependencyDown(target),
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
  // What a failing dependency's message says of the dependents held back behind it.
  const dependentsFailing = (name: string) =>
    observed
      .filter(({ target }, i) => target.dependsOn.includes(name) && decisions[i]?.status.healthy === false)
      .map(({ target }) => target.name);
  // One message per route: a shared outage is one message listing every target, not forty.
  for (const route of new Set(due.map((d) => d.target.route))) {
    const items = due
      .filter((d) => d.target.route === route)
      .map((d) => ({
        transition: d.transition,
        index: d.index,
        target: d.target.kind === 'datastream' ? { ...d.target, link: streamConsoleUrl(d.target) } : d.target,
        dependents: d.transition.toHealthy ? [] : dependentsFailing(d.target.name),
      }));
    changes.messages.push({ route, message: buildMessages(items), transitions: items.map((d) => d.index) });
  }
  return { decisions, changes };
}
