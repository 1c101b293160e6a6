import type { Target } from './config/schema.ts';
import { maintenanceUntil } from './maintenance.ts';
import type { StateStore } from './store/state-store.ts';

/**
 * The targets whose alerts are held back at `now`, and until when: by an ad-hoc `?silence=` or
 * by a maintenance window they are in, whichever ends later. Polls and pings ask the same question.
 */
export async function silencedUntil(
  store: StateStore,
  targets: readonly Target[],
  now: Date,
): Promise<Map<string, Date>> {
  const adHoc = await store.silences(now);
  const silences = new Map<string, Date>();
  for (const target of targets) {
    const ends = [adHoc.get(target.name), maintenanceUntil(target.maintenance, now)];
    const until = ends.reduce<Date | null>((a, b) => (b && (!a || b > a) ? b : a), null);
    if (until) silences.set(target.name, until);
  }
  return silences;
}
