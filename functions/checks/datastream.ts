import { z } from 'zod';
import type { TargetOf } from '../config/schema.ts';
import { googleApiFailure } from './google-api-error.ts';
import { defaultProject, googleResourceKind, said, stateName } from './google-resource.ts';
import { freshness, STALE } from './datastream-freshness.ts';
import { OBJECT_ERRORS, objectErrors } from './datastream-objects.ts';

type DatastreamTarget = TargetOf<'datastream'>;

/** Datastream v1 `Stream.State` (google/cloud/datastream/v1/datastream_resources.proto). */
const STREAM_STATES = [
  'STATE_UNSPECIFIED',
  'NOT_STARTED',
  'RUNNING',
  'PAUSED',
  'MAINTENANCE',
  'FAILED',
  'FAILED_PERMANENTLY',
  'STARTING',
  'DRAINING',
] as const;

/** The stream's full resource name: `projects/P/locations/L/streams/S`. */
export function streamName(target: DatastreamTarget): string {
  return target.stream.startsWith('projects/')
    ? target.stream
    : `projects/${target.project ?? ''}/locations/${target.location ?? ''}/streams/${target.stream}`;
}

/** `[project, location, stream]` of the target, however it names the stream. */
function streamParts(target: DatastreamTarget): [string, string, string] {
  const [, project = '', , location = '', , stream = ''] = streamName(target).split('/');
  return [project, location, stream];
}

/** The Monitoring read, for its errors: a 403 there wants another role than the stream's. */
const freshnessOf = (target: DatastreamTarget) => ({
  name: `the freshness of ${streamName(target)}`,
  api: 'Cloud Monitoring API',
  viewerRole: 'roles/monitoring.viewer',
});

const encoded = (name: string) => name.split('/').map(encodeURIComponent).join('/');

/**
 * A Datastream stream (`projects.locations.streams.get`): its `state`, its `errors[]` as the
 * detail. A stream in an allowed state can still be broken inside, so two opt-in checks look
 * further: `objects: true` (a table whose backfill failed: OBJECT_ERRORS) and `maxFreshness` (data
 * older than that: STALE, from Cloud Monitoring).
 */
export const datastream = googleResourceKind<'datastream'>({
  service: 'datastream',
  api: 'Datastream API',
  viewerRole: 'roles/datastream.viewer',
  describe: (t) => `stream ${streamName(t)}`,
  path: (t) => `v1/${encoded(streamName(t))}`,
  answer: z
    .looseObject({
      state: stateName('STATE_UNSPECIFIED'),
      errors: z
        .array(z.looseObject({ reason: z.string().optional(), message: z.string().optional() }))
        .default([]),
    })
    .transform(({ state, errors }) => {
      const told = errors.map((e) => [e.reason, e.message].filter(Boolean).join(': '));
      return { state, detail: told.length > 0 ? `stream errors: ${told.join('; ')}` : '' };
    }),
  async more(target, observed, _stream, context) {
    const detail = observed.detail || `stream ${streamName(target)}`;
    if (!target.allowedStates.includes(observed.state)) return { ...observed, detail };
    const [objects, fresh] = await Promise.all([
      target.objects ? objectErrors(`v1/${encoded(streamName(target))}/objects`, context) : null,
      target.maxFreshness === undefined
        ? null
        : freshness(streamParts(target), target.maxFreshness, context).catch((error: unknown) => ({
            problem: googleApiFailure(error, freshnessOf(target), context.signal, context.timeout),
          })),
    ]);
    const problems = [objects, fresh && 'problem' in fresh ? fresh.problem : null].filter((o) => o !== null);
    const note = fresh && 'note' in fresh ? fresh.note : undefined;
    const [first, ...rest] = problems;
    return first
      ? { state: first.state, detail: said(first.detail, ...rest.map((o) => o.detail), note) }
      : { ...observed, detail: said(detail, note) };
  },
  states: [...STREAM_STATES, OBJECT_ERRORS, STALE],
  consoleUrl: (t) => {
    const [project, location, stream] = streamParts(t);
    const path = ['datastream', 'streams', 'locations', location, 'instances', stream]
      .map(encodeURIComponent)
      .join('/');
    return `https://console.cloud.google.com/${path}?project=${encodeURIComponent(project)}`;
  },
  // A full stream name says its project.
  resolve: (target, env, problem) =>
    target.stream.startsWith('projects/') ? target : defaultProject(target, env, problem),
  list: {
    key: 'stream',
    path: (t) => `v1/${encoded(`projects/${t.project ?? ''}/locations/${t.location ?? ''}`)}/streams`,
    items: 'streams',
  },
});
