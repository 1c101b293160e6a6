import { describe, expect, it } from 'vitest';
import {
  freeSlot,
  newestPings,
  PING_SLOTS,
  RECENT_PINGS,
  slotsForLegacy,
} from '../../functions/store/shared.ts';

/** A ping reduced to what slots care about: its time (and its number, to name it). */
interface P {
  n: number;
  at: number;
}
const at = (p: P) => p.at;
const numbers = (slots: readonly (P | undefined)[]) =>
  newestPings(
    slots.filter((p) => p !== undefined),
    at,
  ).map((p) => p.n);

describe('the slots of a push target’s pings', () => {
  it.each([
    ['always the first free slot', () => 0],
    ['always the last free slot', () => 0.999_999],
    ['a random free slot', Math.random],
  ])('keep exactly the ten newest of pings that come one after another, taking %s', (_, random) => {
    const slots: (P | undefined)[] = Array.from({ length: PING_SLOTS }, () => undefined);
    for (let n = 0; n < 200; n++) {
      const slot = freeSlot(slots, at, random);
      expect(slot).toBeGreaterThanOrEqual(0);
      expect(slot).toBeLessThan(PING_SLOTS);
      slots[slot] = { n, at: 1000 * n };
      expect(numbers(slots)).toEqual(Array.from({ length: Math.min(n + 1, RECENT_PINGS) }, (_, i) => n - i));
    }
  });

  it('spread pings that found the same record over the slots that do not hold one of the ten newest', () => {
    const slots: (P | undefined)[] = Array.from({ length: PING_SLOTS }, (_, n) => ({ n, at: 1000 * n }));
    const newest = new Set(Array.from({ length: RECENT_PINGS }, (_, i) => PING_SLOTS - 1 - i));
    const picked = new Set(Array.from({ length: 100 }, (_, i) => freeSlot(slots, at, () => i / 100)));
    expect([...picked].filter((slot) => newest.has(slot))).toEqual([]);
    expect(picked.size).toBe(PING_SLOTS - RECENT_PINGS);
  });

  it('take in the newest pings of a 0.1 list, and only those, into slots that hold none of the newest', () => {
    const slots: (P | undefined)[] = Array.from({ length: PING_SLOTS }, () => undefined);
    slots[3] = { n: 100, at: 100_000 };
    slots[7] = { n: 1, at: 1000 };
    const legacy = Array.from({ length: 25 }, (_, n) => ({ n: 10 + n, at: 10_000 + 1000 * n }));
    const moves = slotsForLegacy(slots, legacy, at);
    for (const [slot, ping] of moves) slots[slot] = ping;
    expect([...moves.keys()].filter((slot) => slot === 3)).toEqual([]);
    expect(moves.size).toBe(RECENT_PINGS - 1);
    expect(numbers(slots)).toEqual([100, 34, 33, 32, 31, 30, 29, 28, 27, 26]);
  });
});
