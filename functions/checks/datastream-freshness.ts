import { z } from 'zod';
import { formatDuration } from '../config/duration.ts';
import type { Observation } from '../model/observation.ts';
import { googleAnswer } from './google-api-error.ts';
import type { MoreContext } from './google-resource.ts';

/** A stream whose data is older than `maxFreshness`. */
export const STALE = 'STALE';
const METRIC = 'datastream.googleapis.com/stream/freshness';
/** How far back to look: the metric is sampled every minute and reaches Monitoring within minutes. */
const WINDOW_MS = 15 * 60_000;

const series = z.looseObject({
  timeSeries: z
    .array(
      z.looseObject({
        resource: z.looseObject({ labels: z.record(z.string(), z.string()).default({}) }).prefault({}),
        points: z
          .array(
            z.looseObject({
              interval: z.looseObject({ endTime: z.string() }),
              // INT64 values are JSON strings.
              value: z.looseObject({
                int64Value: z.coerce.number().optional(),
                doubleValue: z.number().optional(),
              }),
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});

/**
 * The stream's freshness (seconds behind its source) from Cloud Monitoring v3
 * `projects.timeSeries.list`, newest point of the last minutes: above `maxMs` it is STALE with
 * the measured value; below, a note of it. No point in the window is said in the detail, not counted as
 * stale (Datastream reports 0 when there is nothing to replicate, so no data means no metric).
 */
export async function freshness(
  [project, location, stream]: [string, string, string],
  maxMs: number,
  context: MoreContext,
): Promise<{ problem: Observation } | { note: string }> {
  const query = new URLSearchParams({
    filter: `metric.type = "${METRIC}" AND resource.labels.stream_id = "${stream}"`,
    'interval.startTime': new Date(context.now.getTime() - WINDOW_MS).toISOString(),
    'interval.endTime': context.now.toISOString(),
    view: 'FULL',
  });
  const monitoring = {
    ...context.resource,
    api: 'Cloud Monitoring API',
    viewerRole: 'roles/monitoring.viewer',
  };
  const read = googleAnswer(
    await context.get('monitoring', `v3/projects/${encodeURIComponent(project)}/timeSeries?${query}`),
    series,
    monitoring,
  );
  if ('observation' in read) return { problem: read.observation };
  // A stream id is unique within a location; the series of this location when the label says it.
  const ours = read.answer.timeSeries.filter((s) => (s.resource.labels['location'] ?? location) === location);
  // Points come newest first; the newest of every series is compared.
  const newest = ours
    .map((s) => s.points[0])
    .filter((p) => p !== undefined)
    .sort((a, b) => Date.parse(b.interval.endTime) - Date.parse(a.interval.endTime))[0];
  if (!newest) {
    return { note: `no freshness reported in the last ${formatDuration(WINDOW_MS)}` };
  }
  const seconds = newest.value.int64Value ?? newest.value.doubleValue ?? 0;
  const measured = `freshness ${formatDuration(seconds * 1000)} at ${newest.interval.endTime} (limit ${formatDuration(maxMs)})`;
  return seconds * 1000 > maxMs ? { problem: { state: STALE, detail: measured } } : { note: measured };
}
