import type { Target } from '../config/schema.ts';
import { maintenanceUntil } from './maintenance.ts';

/**
 * The targets whose alerts are held back at `now`, and until when: by an ad-hoc `?silence=` (as
 * stored) or by a maintenance window they are in, whichever ends later.
 */
export function silencedUntil(
  adHoc: ReadonlyMap<string, Date>,
  targets: readonly Target[],
  now: Date,
): Map<string, Date> {
  const silences = new Map<string, Date>();
  for (const target of targets) {
    const ends = [adHoc.get(target.name), maintenanceUntil(target.maintenance, now)];
    const until = ends.reduce<Date | null>((a, b) => (b && (!a || b > a) ? b : a), null);
    if (until) silences.set(target.name, until);
  }
  return silences;
}
