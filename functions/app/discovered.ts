import { DELETED, discoveryKey, memberTarget, membersOf } from '../checks/discovery.ts';
import type { Observed } from '../checks/observe-all.ts';
import type { TargetStatus } from '../model/target-status.ts';

/** What the store must read besides the targets themselves: every stored member of each discovery target. */
export function memberPrefixes(observed: readonly Observed[]): string[] {
  return observed.filter((o) => o.discovery !== undefined).map((o) => membersOf(o.target));
}

/** The observations to plan with, once the stored members are known; and what to forget, and keep. */
export interface Reconciled {
  observed: Observed[];
  /** Stored members their discovery target no longer lists: reported DELETED now, forgotten now. */
  gone: string[];
  /** Stored members of discovery targets whose list failed: neither checked nor forgotten. */
  kept: string[];
}

/**
 * Adds, for each discovery target whose list worked, a DELETED observation of every member it
 * stored but no longer lists (a resource deleted since the last poll). DELETED is a fact from
 * the list, not a flap: it is judged at once (thresholds of 1), and the member is forgotten in
 * the same write, so it is reported once. One stored as DELETED already is only forgotten.
 */
export function reconcileMembers(
  observed: readonly Observed[],
  stored: ReadonlyMap<string, TargetStatus>,
): Reconciled {
  const gone: string[] = [];
  const kept: string[] = [];
  const vanished: Observed[] = [];
  for (const { discovery } of observed) {
    if (discovery === undefined) continue;
    const { configured, members } = discovery;
    const prefix = membersOf(configured);
    const storedMembers = [...stored.keys()].filter((name) => name.startsWith(prefix));
    if (members === null) {
      kept.push(...storedMembers);
      continue;
    }
    const listed = new Set(members);
    const key = discoveryKey(configured);
    for (const name of storedMembers.filter((n) => !listed.has(n))) {
      gone.push(name);
      const status = stored.get(name);
      // Reported already; unless its report was held back (a silence), and must go out when it ends.
      if (key === null || (status?.state === DELETED && status.heldBack !== true)) continue;
      const member = memberTarget(configured, key, name.slice(prefix.length));
      vanished.push({
        target: { ...member, failureThreshold: { count: 1 }, successThreshold: { count: 1 } },
        observation: { state: DELETED, detail: `deleted: no longer listed by ${configured.name}` },
        durationMs: 0,
      });
    }
  }
  return { observed: [...observed, ...vanished], gone, kept };
}

/**
 * The gone members to forget now: all but those whose DELETED alert is held back (a silence, a
 * maintenance window, a failing dependency). Those stay stored as DELETED until the hold ends and
 * the held-back alert goes out (alerting/hold.ts), then are forgotten.
 */
export function forgettable(
  reconciled: Reconciled,
  decisions: readonly { status: Pick<TargetStatus, 'heldBack'> }[],
): { forget: string[]; held: string[] } {
  const gone = new Set(reconciled.gone);
  const held = reconciled.observed
    .filter((o, i) => gone.has(o.target.name) && decisions[i]?.status.heldBack === true)
    .map((o) => o.target.name);
  return { forget: reconciled.gone.filter((name) => !held.includes(name)), held };
}
