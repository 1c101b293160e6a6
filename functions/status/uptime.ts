/**
 * Uptime from a target's history entry (model/history.ts), pure: over a window, and per UTC day.
 * Time counts from when the target was first recorded; an ongoing spell counts up to `now`.
 */
import { dayOf, DAY_MS, type TargetHistory } from '../model/history.ts';
import type { TargetStatus } from '../model/target-status.ts';

/** The windows a status page shows. */
export const WINDOWS = { '24h': DAY_MS, '7d': 7 * DAY_MS, '30d': 30 * DAY_MS, '90d': 90 * DAY_MS } as const;
export type Window = keyof typeof WINDOWS;
/** Days the bar shows. */
export const BAR_DAYS = 90;

/**
 * The share of [from, to) the target was healthy, 0 to 1; null when none of it was recorded
 * (before the target's first record, or after `now`).
 */
export function uptimeBetween(history: TargetHistory, from: number, to: number, now: number): number | null {
  const start = Math.max(from, history.since);
  const end = Math.min(to, now);
  if (end <= start) return null;
  return Math.max(0, 1 - downBetween(history, start, end, now) / (end - start));
}

/** Uptime over each window that ends now. */
export function uptimeWindows(history: TargetHistory, now: number): Record<Window, number | null> {
  const over = (ms: number) => uptimeBetween(history, now - ms, now, now);
  return {
    '24h': over(WINDOWS['24h']),
    '7d': over(WINDOWS['7d']),
    '30d': over(WINDOWS['30d']),
    '90d': over(WINDOWS['90d']),
  };
}

/** Uptime of each of the last `BAR_DAYS` UTC days, oldest first, today last (so far). */
export function dailyUptime(history: TargetHistory, now: number): { day: number; uptime: number | null }[] {
  const today = dayOf(now);
  return Array.from({ length: BAR_DAYS }, (_, i) => {
    const day = today - BAR_DAYS + 1 + i;
    return { day, uptime: uptimeBetween(history, day * DAY_MS, (day + 1) * DAY_MS, now) };
  });
}

/**
 * Unhealthy time in [from, to): the listed spells to the millisecond (an ongoing one up to `now`),
 * and the dropped ones from their days. A dropped spell lies between `since` and `exactFrom`, so
 * a day's dropped downtime is spread over the part of that day in that span, and counted as far
 * as the window covers it.
 */
function downBetween(history: TargetHistory, from: number, to: number, now: number): number {
  const overlap = (a: number, b: number) => Math.max(0, Math.min(b, to) - Math.max(a, from));
  let down = history.spells.reduce((sum, spell) => sum + overlap(spell.from, spell.to ?? now), 0);
  for (let day = dayOf(from); day * DAY_MS < Math.min(to, history.exactFrom); day++) {
    const dropped = history.down[day];
    if (!dropped) continue;
    const start = Math.max(day * DAY_MS, history.since);
    const end = Math.min((day + 1) * DAY_MS, history.exactFrom);
    if (end > start) down += dropped * Math.min(1, overlap(start, end) / (end - start));
  }
  return down;
}

/**
 * A target's history as far as it is known: its entry, or, for a target with no transition since
 * histories were kept (recorded by an earlier version), what its stored state says.
 */
export function knownHistory(
  status: TargetStatus,
  history: TargetHistory | undefined,
): TargetHistory | undefined {
  if (history) return history;
  // Its first observations are still being counted: nothing is recorded yet.
  if (status.state === null) return undefined;
  const since = Math.min(status.since.getTime(), status.unhealthySince?.getTime() ?? Infinity);
  return {
    since,
    down: {},
    spells: !status.healthy
      ? [
          {
            from: status.unhealthySince?.getTime() ?? since,
            to: null,
            states: [status.state],
            alerted: status.heldBack !== true,
          },
        ]
      : [],
    exactFrom: 0,
  };
}

/** 0.99953 → `99.95%`, never rounded up to 100% while anything was down. */
export function percent(uptime: number | null): string {
  if (uptime === null) return '—';
  if (uptime >= 1) return '100%';
  if (uptime <= 0) return '0%';
  return `${(Math.floor(uptime * 10_000) / 100).toFixed(2)}%`;
}
