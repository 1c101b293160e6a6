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
  /** Members reported DELETED before (and not held back): forgotten now. */
  gone: string[];
  /** Stored members of discovery targets whose list failed: neither checked nor forgotten. */
  kept: string[];
}

/**
 * Adds, for each discovery target whose list worked, a DELETED observation of every member it
 * stored but no longer lists (a resource deleted since the last poll). DELETED is a fact from the
 * list, not a flap: it is judged at once (thresholds of 1). The member stays stored as DELETED
 * until the next poll that does not list it either, then is forgotten without a word; so an
 * overlapping poll that listed it a moment earlier finds it DELETED, newer than what it saw, and
 * cannot bring it back (alerting/plan.ts#observedAt). One whose alert a silence holds back stays
 * until the hold ends and the alert has gone out.
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
      const status = stored.get(name);
      if (key === null || (status?.state === DELETED && status.heldBack !== true)) {
        gone.push(name);
        continue;
      }
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
