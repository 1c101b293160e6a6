import { describe, expect, it } from 'vitest';
import { MAX_SPELLS, type TargetHistory } from '../../functions/model/history.ts';
import type { TargetStatus } from '../../functions/model/target-status.ts';
import { newTransition, type HoldReason, type Transition } from '../../functions/model/transition.ts';
import { advanceHistory } from '../../functions/store/history.ts';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const t0 = Date.parse('2026-08-01T00:00:00Z');
const target = { name: 'orders', kind: 'datastream' as const };
const healthy = new Set(['RUNNING']);

/** A transition to `to` at `ms`, told or held as said. */
function to(state: string, ms: number, from: string | null, fate: 'send' | HoldReason = 'send'): Transition {
  const transition = newTransition(
    target,
    from === null ? null : { state: from, healthy: healthy.has(from) },
    { state, healthy: healthy.has(state), detail: '' },
    new Date(ms),
    {
      cause: 'change',
      message: healthy.has(state) ? 'none' : fate === 'send' ? 'send' : 'held',
      unhealthySince: null,
    },
  );
  return fate === 'send' || healthy.has(state) ? transition : { ...transition, heldBy: fate };
}

/** What the board holds of a target FAILED since `since`, unhealthy since `unhealthySince`. */
function failedOnTheBoard(since: number, unhealthySince: number): TargetStatus {
  return {
    kind: 'datastream',
    state: 'FAILED',
    healthy: false,
    since: new Date(since),
    detail: '',
    unhealthySince: new Date(unhealthySince),
    streak: null,
  };
}

/** Walks a target through transitions one at a time, as polls record them. */
function walk(steps: Transition[], start?: TargetHistory): TargetHistory {
  return steps.reduce<TargetHistory | undefined>(
    (history, step) => advanceHistory(history, undefined, [step], step.at),
    start,
  ) as TargetHistory;
}

describe('a target history', () => {
  it('starts when the target is first recorded, with no spell while it is healthy', () => {
    expect(walk([to('RUNNING', t0, null)])).toEqual({
      since: t0,
      down: {},
      spells: [],
      exactFrom: 0,
      lastAt: t0,
    });
  });

  it('records a spell with its course of states, to the millisecond', () => {
    const history = walk([
      to('RUNNING', t0, null),
      to('FAILED', t0 + 23 * HOUR, 'RUNNING'),
      to('PAUSED', t0 + 24 * HOUR, 'FAILED'),
      to('RUNNING', t0 + 26 * HOUR, 'PAUSED'),
    ]);
    expect(history.spells).toEqual([
      { from: t0 + 23 * HOUR, to: t0 + 26 * HOUR, states: ['FAILED', 'PAUSED', 'RUNNING'], alerted: true },
    ]);
    expect(history.down).toEqual({});
  });

  it('keeps a spell open while the target is down', () => {
    const history = walk([to('RUNNING', t0, null), to('FAILED', t0 + HOUR, 'RUNNING')]);
    expect(history.spells).toEqual([{ from: t0 + HOUR, to: null, states: ['FAILED'], alerted: true }]);
  });

  it('says what held an alert back, and that it was alerted once the hold ended', () => {
    const held = walk([to('RUNNING', t0, null), to('FAILED', t0 + HOUR, 'RUNNING', 'maintenance')]);
    expect(held.spells[0]).toMatchObject({ alerted: false, heldBy: 'maintenance' });
    const ended = advanceHistory(
      held,
      undefined,
      [{ ...to('FAILED', t0 + 2 * HOUR, 'FAILED'), cause: 'hold-ended' }],
      new Date(t0 + 2 * HOUR),
    );
    expect(ended.spells[0]).toMatchObject({ alerted: true, heldBy: 'maintenance', states: ['FAILED'] });
  });

  it('starts an unhealthy target recorded before histories existed with its ongoing spell', () => {
    const stored = failedOnTheBoard(t0, t0 - HOUR);
    const history = advanceHistory(
      undefined,
      stored,
      [to('RUNNING', t0 + HOUR, 'FAILED')],
      new Date(t0 + HOUR),
    );
    expect(history.since).toBe(t0 - HOUR);
    expect(history.spells).toEqual([
      { from: t0 - HOUR, to: t0 + HOUR, states: ['FAILED', 'RUNNING'], alerted: true },
    ]);
  });

  it(`keeps the latest ${MAX_SPELLS} spells exactly, and the older ones as downtime on the UTC days they covered`, () => {
    const steps = [to('RUNNING', t0, null)];
    for (let i = 0; i < MAX_SPELLS + 3; i++) {
      steps.push(
        to('FAILED', t0 + i * DAY + HOUR, 'RUNNING'),
        to('RUNNING', t0 + i * DAY + 2 * HOUR, 'FAILED'),
      );
    }
    const history = walk(steps);
    expect(history.spells).toHaveLength(MAX_SPELLS);
    expect(history.spells[0]?.from).toBe(t0 + 3 * DAY + HOUR);
    expect(history.exactFrom).toBe(t0 + 2 * DAY + 2 * HOUR);
    const day = t0 / DAY;
    expect(history.down).toEqual({ [day]: HOUR, [day + 1]: HOUR, [day + 2]: HOUR });
  });

  it('forgets days and spells older than 90 days', () => {
    const old = walk([
      to('RUNNING', t0, null),
      to('FAILED', t0 + HOUR, 'RUNNING'),
      to('RUNNING', t0 + 2 * HOUR, 'FAILED'),
    ]);
    const later = t0 + 95 * DAY;
    const history = advanceHistory(old, undefined, [to('FAILED', later, 'RUNNING')], new Date(later));
    expect(history.down).toEqual({});
    expect(history.spells.map((s) => s.from)).toEqual([later]);
    expect(history.exactFrom).toBe(t0 + 2 * HOUR);
    expect(history.since).toBe(t0);
  });

  it('follows no transition older than the latest it followed: one written late cannot undo a newer one', () => {
    // A large poll recorded FAILED at t0 and writes its entries after its commit; a ping recorded
    // the recovery at t0 + 1h in between, starting from the board that poll had written.
    const stored = failedOnTheBoard(t0, t0);
    const byThePing = advanceHistory(
      undefined,
      stored,
      [to('RUNNING', t0 + HOUR, 'FAILED')],
      new Date(t0 + HOUR),
    );
    const late = advanceHistory(byThePing, undefined, [to('FAILED', t0, null)], new Date(t0));
    expect(late.spells).toEqual([{ from: t0, to: t0 + HOUR, states: ['FAILED', 'RUNNING'], alerted: true }]);
    expect(late.lastAt).toBe(t0 + HOUR);
  });

  it('leaves the entry it was given as it was', () => {
    const before = walk([to('RUNNING', t0, null), to('FAILED', t0 + HOUR, 'RUNNING')]);
    const copy = structuredClone(before);
    advanceHistory(before, undefined, [to('RUNNING', t0 + 2 * HOUR, 'FAILED')], new Date(t0 + 2 * HOUR));
    expect(before).toEqual(copy);
  });
});
