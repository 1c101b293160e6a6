import { Cron } from 'croner';
import type { Target } from '../config/schema.ts';

export type MaintenanceWindow = Target['maintenance'][number];

/**
 * The end of the maintenance window `now` falls in, or null. A window starts at each time of its
 * cron `schedule` (in its `timezone`, so a DST change moves it with the wall clock) and lasts
 * `duration`.
 */
export function maintenanceUntil(windows: readonly MaintenanceWindow[], now: Date): Date | null {
  let until: Date | null = null;
  for (const window of windows) {
    const cron = new Cron(window.schedule, { timezone: window.timezone, paused: true });
    // previousRuns excludes its reference instant: look from just after now, so a window counts from its first millisecond.
    const [start] = cron.previousRuns(1, new Date(now.getTime() + 1));
    if (!start) continue;
    const end = new Date(start.getTime() + window.duration);
    if (end > now && (until === null || end > until)) until = end;
  }
  return until;
}
