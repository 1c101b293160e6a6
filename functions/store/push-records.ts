import type { Ping, PushRecord } from '../model/ping.ts';
import { newestPings } from './shared.ts';

const latestOf = (a: Date | null, b: Date | null) => (a && b ? (a > b ? a : b) : (a ?? b));

/**
 * A push target's record from its stored fields and pings (in order of arrival where it is known).
 * The `last*` fields are kept apart from the pings (ten starts must not erase the last success)
 * and may lag a ping written at the same instant, so the newest of both wins.
 */
export function summarizePings(
  stored: { lastSuccess: Date | null; lastStart: Date | null; lastFailure: Date | null },
  pings: readonly Ping[],
): PushRecord {
  const sorted = newestPings(pings, (p) => p.at.getTime(), pings.length);
  const newest = (kind: Ping['kind']) => sorted.find((p) => p.kind === kind)?.at ?? null;
  return {
    lastSuccess: latestOf(stored.lastSuccess, newest('success')),
    lastStart: latestOf(stored.lastStart, newest('start')),
    lastFailure: latestOf(stored.lastFailure, newest('fail')),
    recent: newestPings(pings, (p) => p.at.getTime()),
  };
}

/** The field of the stored record that a ping of this kind updates. */
export function lastField(kind: Ping['kind']): 'lastSuccess' | 'lastStart' | 'lastFailure' {
  return kind === 'success' ? 'lastSuccess' : kind === 'start' ? 'lastStart' : 'lastFailure';
}
