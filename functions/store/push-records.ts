import type { Ping, PushRecord } from '../model.ts';
import { RECENT_PINGS } from './state-store.ts';

const latestOf = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));

/**
 * A push target's record from its stored fields and pings in order of arrival. The `last*` fields are
 * kept apart from the capped list (ten starts must not erase the last success) and may lag a ping
 * written at the same instant, so the newest of both wins.
 */
export function summarizePings(
  stored: { lastSuccess: Date | null; lastStart: Date | null; lastFailure: Date | null },
  pings: readonly Ping[],
): PushRecord {
  // Newest first; pings of the same millisecond keep their order of arrival (later first).
  const sorted = pings
    .map((ping, arrival) => ({ ping, arrival }))
    .sort((a, b) => b.ping.at.getTime() - a.ping.at.getTime() || b.arrival - a.arrival)
    .map(({ ping }) => ping);
  const newest = (kind: Ping['kind']) => sorted.find((p) => p.kind === kind)?.at ?? null;
  return {
    lastSuccess: latestOf(stored.lastSuccess, newest('success')),
    lastStart: latestOf(stored.lastStart, newest('start')),
    lastFailure: latestOf(stored.lastFailure, newest('fail')),
    recent: sorted.slice(0, RECENT_PINGS),
  };
}

/** The field of the stored record that a ping of this kind updates. */
export function lastField(kind: Ping['kind']): 'lastSuccess' | 'lastStart' | 'lastFailure' {
  return kind === 'success' ? 'lastSuccess' : kind === 'start' ? 'lastStart' : 'lastFailure';
}
