/**
 * Keeping a target's history entry (model/history.ts) as its transitions are recorded: pure, and
 * shared by both stores, which call it in the same write as the transitions, so the entry can
 * neither miss nor count twice what the transitions say.
 */
import { dayOf, DAY_MS, MAX_COURSE, MAX_SPELLS, type Spell, type TargetHistory } from '../model/history.ts';
import type { TargetStatus } from '../model/target-status.ts';
import type { Transition } from '../model/transition.ts';
import { HISTORY_MS } from './shared.ts';
import type { Changes } from './state-store.ts';

/**
 * The history entries a plan changes: those of the targets with transitions, each advanced by
 * its own, given what was stored (`history`, and the board's `status` before the plan).
 */
export function changedHistories(
  changes: Changes,
  history: (name: string) => TargetHistory | undefined,
  status: (name: string) => TargetStatus | undefined,
): Map<string, TargetHistory> {
  const byTarget = new Map<string, Transition[]>();
  for (const transition of changes.transitions) {
    byTarget.set(transition.target, [...(byTarget.get(transition.target) ?? []), transition]);
  }
  const changed = new Map<string, TargetHistory>();
  for (const [name, transitions] of byTarget) {
    const now = new Date(Math.max(...transitions.map((t) => t.at.getTime())));
    changed.set(name, advanceHistory(history(name), status(name), transitions, now));
  }
  return changed;
}

/**
 * The entry after `transitions` (this target's, oldest first), at `now`. Without an entry yet (a
 * new target, or one recorded before histories existed), it starts from the stored status: an
 * unhealthy target's ongoing spell from when it became unhealthy.
 */
export function advanceHistory(
  previous: TargetHistory | undefined,
  stored: TargetStatus | undefined,
  transitions: readonly Transition[],
  now: Date,
): TargetHistory {
  const history = previous ? copy(previous) : begin(stored, transitions[0]?.at ?? now);
  // Older than what the entry has followed: recorded before a newer one that was written first.
  const newer = (at: number) => previous?.lastAt === undefined || at >= previous.lastAt;
  for (const transition of transitions) {
    const at = transition.at.getTime();
    if (!newer(at)) continue;
    follow(history, transition);
    history.lastAt = Math.max(history.lastAt ?? at, at);
  }
  return prune(history, now.getTime());
}

function begin(stored: TargetStatus | undefined, at: Date): TargetHistory {
  const history: TargetHistory = { since: at.getTime(), down: {}, spells: [], exactFrom: 0 };
  if (!stored) return history;
  history.since = Math.min(
    history.since,
    stored.since.getTime(),
    stored.unhealthySince?.getTime() ?? Infinity,
  );
  if (!stored.healthy && stored.state !== null) {
    history.spells.push({
      from: (stored.unhealthySince ?? stored.since).getTime(),
      to: null,
      states: [stored.state],
      alerted: stored.heldBack !== true,
    });
  }
  return history;
}

function follow(history: TargetHistory, transition: Transition): void {
  const at = transition.at.getTime();
  const last = history.spells.at(-1);
  const open = last && last.to === null ? last : undefined;
  if (!transition.toHealthy) {
    const spell: Spell = open ?? {
      from: Math.min(at, transition.unhealthySince?.getTime() ?? at),
      to: null,
      states: [],
      alerted: false,
    };
    if (!open) history.spells.push(spell);
    addState(spell, transition.to);
    if (transition.message === 'send') spell.alerted = true;
    if (transition.message === 'held' && !spell.heldBy && !spell.alerted) {
      spell.heldBy = transition.heldBy ?? 'silence';
    }
    return;
  }
  if (!open) return;
  addState(open, transition.to);
  open.to = Math.max(at, open.from);
}

/** The course of states, consecutive repeats (reminders) once; past `MAX_COURSE`, the last replaced. */
function addState(spell: Spell, state: string): void {
  if (spell.states.at(-1) === state) return;
  if (spell.states.length >= MAX_COURSE) spell.states[MAX_COURSE - 1] = state;
  else spell.states.push(state);
}

/** Adds [from, to) to the days it covers. */
function addDown(down: Record<string, number>, from: number, to: number): void {
  for (let day = dayOf(from); day * DAY_MS < to; day++) {
    const part = Math.min(to, (day + 1) * DAY_MS) - Math.max(from, day * DAY_MS);
    if (part > 0) down[day] = (down[day] ?? 0) + part;
  }
}

/** Drops the spells past `MAX_SPELLS` into the days they covered, and what is older than the history keeps. */
function prune(history: TargetHistory, now: number): TargetHistory {
  const oldest = now - HISTORY_MS;
  while (history.spells.length > 0) {
    const first = history.spells[0] as Spell;
    const tooMany = history.spells.length > MAX_SPELLS;
    if (first.to === null || (!tooMany && first.to > oldest)) break;
    history.spells.shift();
    addDown(history.down, first.from, first.to);
    history.exactFrom = Math.max(history.exactFrom, first.to);
  }
  history.down = Object.fromEntries(
    Object.entries(history.down).filter(([day]) => (Number(day) + 1) * DAY_MS > oldest),
  );
  return history;
}

function copy(history: TargetHistory): TargetHistory {
  return {
    ...history,
    down: { ...history.down },
    spells: history.spells.map((spell) => ({ ...spell, states: [...spell.states] })),
  };
}
