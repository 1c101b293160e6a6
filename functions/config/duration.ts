import ms from 'ms';
import { z } from 'zod';

/**
 * A duration as operators write it: `500ms`, `10s`, `2m`, or a plain number of seconds.
 * Parsed by `ms` (vercel/ms), so `1.5h` and `2 minutes` work too; the result is milliseconds.
 */
export const duration = z.union([z.number().positive(), z.string()]).transform((value, ctx) => {
  // A bare "10" would be read by ms as milliseconds while a bare 10 means seconds: demand a unit.
  const millis =
    typeof value === 'number' ? value * 1000 : /[a-z]/i.test(value) ? ms(value as ms.StringValue) : NaN;
  if (typeof millis !== 'number' || !Number.isFinite(millis) || millis <= 0) {
    ctx.addIssue({
      code: 'custom',
      message: `invalid duration ${JSON.stringify(value)}; expected e.g. 500ms, 10s, 2m or a number of seconds`,
    });
    return z.NEVER;
  }
  return millis;
});

/** `90000` → `1m 30s`: how long something lasted, for people. */
export function formatDuration(millis: number): string {
  if (millis < 1000) return `${Math.round(millis)}ms`;
  const units: [string, number][] = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ];
  const parts: string[] = [];
  let rest = Math.round(millis / 1000) * 1000;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0) parts.push(`${count}${unit}`);
    rest -= count * size;
  }
  return parts.slice(0, 2).join(' ');
}
