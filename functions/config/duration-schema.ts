import { z } from 'zod';
import { parseDuration, formatDuration, PERIOD_RANGE, type DurationRange } from './duration.ts';

const invalid = (value: unknown) =>
  `invalid duration ${JSON.stringify(value)}; expected e.g. 500ms, 10s, 2m or a number of seconds`;

function inRange(millis: number | null, value: unknown, range: DurationRange, ctx: z.RefinementCtx): number {
  if (millis === null) {
    ctx.addIssue({ code: 'custom', message: invalid(value) });
    return z.NEVER;
  }
  if (millis < range.min || millis > range.max) {
    ctx.addIssue({
      code: 'custom',
      message: `duration ${JSON.stringify(value)} is out of range; expected ${formatDuration(range.min)} to ${formatDuration(range.max)}`,
    });
    return z.NEVER;
  }
  return millis;
}

/**
 * A duration as operators write it: `500ms`, `10s`, `2m`, or a plain number of seconds, within
 * `range`. Parsed by `ms` (vercel/ms), so `1.5h` and `2 minutes` work too; the result is milliseconds.
 */
export function durationIn(range: DurationRange) {
  return z
    .union([z.number().positive(), z.string()])
    .transform((value, ctx) => inRange(parseDuration(value), value, range, ctx));
}

/** A period (1 s to 400 days), the common case. */
export const duration = durationIn(PERIOD_RANGE);

/** A duration written with its unit (`10m`); for keys where a bare number means something else. */
export const durationWithUnit = z
  .string()
  .transform((value, ctx) =>
    inRange(/[a-z]/i.test(value) ? parseDuration(value) : null, value, PERIOD_RANGE, ctx),
  );
