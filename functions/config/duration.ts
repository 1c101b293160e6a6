import ms from 'ms';

/** Milliseconds of `10s`, `2m`, `1.5h` (vercel/ms) or of a number of seconds; null if neither. */
export function parseDuration(value: string | number): number | null {
  // A bare "10" would be read by ms as milliseconds while a bare 10 means seconds: demand a unit.
  const millis =
    typeof value === 'number' ? value * 1000 : /[a-z]/i.test(value) ? ms(value as ms.StringValue) : NaN;
  return typeof millis === 'number' && Number.isFinite(millis) && millis > 0 ? millis : null;
}

/** A range a duration must fall in, in milliseconds. */
export interface DurationRange {
  min: number;
  max: number;
}

const DAY = 86_400_000;
/**
 * A check's timeout: long enough to be a request at all, short enough that a poll of many
 * targets ends well within the function's timeout (and within what a timer can hold).
 */
export const TIMEOUT_RANGE: DurationRange = { min: 100, max: 60_000 };
/** Periods, graces, windows, thresholds, silences: from a second to a bit more than a year. */
export const PERIOD_RANGE: DurationRange = { min: 1000, max: 400 * DAY };

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
