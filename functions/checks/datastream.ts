import { z } from 'zod';
import type { TargetOf } from '../config/schema.ts';
import { GOOGLE_FAILURE_STATES, googleAnswer, googleApiFailure } from './google-api-error.ts';
import type { KindModule } from './kind.ts';

type DatastreamTarget = TargetOf<'datastream'>;

/** The stream's full resource name: `projects/P/locations/L/streams/S`. */
export function streamName(target: DatastreamTarget): string {
  return target.stream.startsWith('projects/')
    ? target.stream
    : `projects/${target.project ?? ''}/locations/${target.location ?? ''}/streams/${target.stream}`;
}

/** The stream's page in the Cloud console, for alerts. */
function streamConsoleUrl(target: DatastreamTarget): string {
  const [, project = '', , location = '', , stream = ''] = streamName(target).split('/');
  const path = ['datastream', 'streams', 'locations', location, 'instances', stream]
    .map(encodeURIComponent)
    .join('/');
  return `https://console.cloud.google.com/${path}?project=${encodeURIComponent(project)}`;
}

/** What we read of a stream. Proto3 JSON leaves out a default enum: no `state` is STATE_UNSPECIFIED. */
const streamAnswer = z.looseObject({
  state: z
    .string()
    .regex(/^[A-Z_]{1,100}$/, 'is not a state name')
    .default('STATE_UNSPECIFIED'),
  errors: z
    .array(z.looseObject({ reason: z.string().optional(), message: z.string().optional() }))
    .default([]),
});

/**
 * A Datastream stream, read with `projects.locations.streams.get`: its `state` is the observed
 * state, its `errors[]` the detail. API and network failures become states too, never exceptions.
 */
/** Datastream v1 stream states: https://cloud.google.com/datastream/docs/reference/rest/v1/projects.locations.streams#state */
const STREAM_STATES = [
  'NOT_STARTED',
  'RUNNING',
  'PAUSED',
  'MAINTENANCE',
  'FAILED',
  'FAILED_PERMANENTLY',
  'STARTING',
  'DRAINING',
] as const;

export const datastream: KindModule<'datastream'> = {
  states: ['STATE_UNSPECIFIED', ...STREAM_STATES, ...GOOGLE_FAILURE_STATES],

  async check(target, { signal, google }) {
    const name = streamName(target);
    const resource = { name: `stream ${name}`, api: 'Datastream API', viewerRole: 'roles/datastream.viewer' };
    try {
      // Loaded on first use: a ping or a poll without streams never pays for it at cold start.
      const { datastream_v1 } = await import('googleapis/build/src/apis/datastream/index.js');
      const client = google.client('datastream', (options) => new datastream_v1.Datastream(options));
      const { data } = await client.projects.locations.streams.get(
        { name },
        // Our own timeout and the next poll are the retry policy; gaxios' backoff would outlive both.
        { signal, retry: false, timeout: target.timeout },
      );
      const read = googleAnswer(data, streamAnswer, resource);
      if ('observation' in read) return read.observation;
      const { state, errors } = read.answer;
      const said = errors.map((e) => [e.reason, e.message].filter(Boolean).join(': '));
      return {
        state,
        detail: said.length > 0 ? `stream errors: ${said.join('; ')}` : `stream ${name}`,
      };
    } catch (error) {
      return googleApiFailure(error, resource, signal, target.timeout);
    }
  },

  consoleUrl: streamConsoleUrl,

  resolve(target, env, problem) {
    if (target.stream.startsWith('projects/') || target.project !== undefined) return target;
    const project = env['GOOGLE_CLOUD_PROJECT'];
    if (!project) problem(['project'], 'is required because GOOGLE_CLOUD_PROJECT is not set');
    return project ? { ...target, project } : target;
  },
};
