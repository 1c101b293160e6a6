import { describe, expect, it } from 'vitest';
import { MAX_SPELLS, type TargetHistory } from '../../functions/model/history.ts';
import { newTransition, type Transition } from '../../functions/model/transition.ts';
import { advanceHistory } from '../../functions/store/history.ts';
import {
  dailyUptime,
  knownHistory,
  percent,
  uptimeBetween,
  uptimeWindows,
} from '../../functions/status/uptime.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
const today = Date.parse('2026-11-20T00:00:00Z');
const target = { name: 'orders', kind: 'push' as const };
const UP = { state: 'UP', healthy: true };
const FAILED = { state: 'FAILED', healthy: false };

function change(from: typeof UP | null, to: typeof UP, at: number): Transition {
  return newTransition(target, from, { ...to, detail: '' }, new Date(at), {
    cause: 'change',
    message: to.healthy ? 'none' : 'send',
    unhealthySince: to.healthy ? null : new Date(at),
  });
}

/** A target first recorded at `since`, down for `minutes` at each of `starts`. */
function outages(since: number, starts: number[], minutes: number): TargetHistory {
  let history = advanceHistory(undefined, undefined, [change(null, UP, since)], new Date(since));
  for (const start of starts) {
    const end = start + minutes * MINUTE;
    history = advanceHistory(history, undefined, [change(UP, FAILED, start)], new Date(start));
    history = advanceHistory(history, undefined, [change(FAILED, UP, end)], new Date(end));
  }
  return history;
}

describe('uptime', () => {
  it('is healthy time over recorded time: a target added an hour ago and down 15 minutes is at 75%', () => {
    const history = outages(today, [today + 30 * MINUTE], 15);
    expect(uptimeWindows(history, today + HOUR)).toEqual({
      '24h': 0.75,
      '7d': 0.75,
      '30d': 0.75,
      '90d': 0.75,
    });
  });

  it('counts an ongoing spell up to now', () => {
    let history = outages(today, [], 0);
    history = advanceHistory(history, undefined, [change(UP, FAILED, today + HOUR)], new Date(today + HOUR));
    expect(uptimeBetween(history, today, today + DAY, today + 2 * HOUR)).toBe(0.5);
  });

  it(`stays exact for a flapping target past ${MAX_SPELLS} spells, whichever of its days the window cuts`, () => {
    // 13 outages of 10 minutes today, seen at 06:00: the first spell is kept by day only.
    const since = today - 10 * DAY;
    const starts = Array.from({ length: 13 }, (_, i) => today + i * 20 * MINUTE);
    const history = outages(since, starts, 10);
    expect(history.spells).toHaveLength(MAX_SPELLS);
    const now = today + 6 * HOUR;
    expect(uptimeBetween(history, now - DAY, now, now)).toBeCloseTo(1 - 130 / (24 * 60), 10);
    expect(uptimeBetween(history, today, today + DAY, now)).toBeCloseTo(1 - 130 / (6 * 60), 10);
    expect(uptimeBetween(history, now - 7 * DAY, now, now)).toBeCloseTo(1 - 130 / (7 * 24 * 60), 10);
    // A day's dropped downtime is spread over that day: the window through half of it counts half.
    expect(uptimeBetween(history, today - 12 * HOUR, today + 3 * HOUR, now)).toBeLessThan(1);
  });

  it('spreads a dropped day only over its recorded part, for a target first recorded that day', () => {
    const since = today + 2 * HOUR;
    const starts = Array.from({ length: MAX_SPELLS + 1 }, (_, i) => since + i * 10 * MINUTE);
    const history = outages(since, starts, 5);
    const now = today + 6 * HOUR;
    const down = (MAX_SPELLS + 1) * 5;
    expect(uptimeBetween(history, now - DAY, now, now)).toBeCloseTo(1 - down / (4 * 60), 10);
  });

  it('gives 90 days for the bar, today last, and nothing before the target was recorded', () => {
    const history = outages(today - DAY, [today - DAY + 12 * HOUR], 144);
    const days = dailyUptime(history, today + 12 * HOUR);
    expect(days).toHaveLength(90);
    expect(days.at(-1)).toEqual({ day: today / DAY, uptime: 1 });
    expect(days.at(-2)?.uptime).toBeCloseTo(0.9, 10);
    expect(days.at(-3)?.uptime).toBeNull();
  });

  it('knows nothing of a target whose first observations are still being counted', () => {
    const counting = {
      kind: 'push' as const,
      state: null,
      healthy: true,
      since: new Date(today),
      detail: '',
      unhealthySince: null,
      streak: null,
    };
    expect(knownHistory(counting, undefined)).toBeUndefined();
  });

  it('is shown floored to two decimals, never 100% while anything was down', () => {
    expect([percent(1), percent(0.99999), percent(0.9995), percent(0), percent(null)]).toEqual([
      '100%',
      '99.99%',
      '99.95%',
      '0%',
      '—',
    ]);
  });
});
