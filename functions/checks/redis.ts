import { z } from 'zod';
import { googleResourceKind, said } from './google-resource.ts';

/** Memorystore for Redis v1 instance states: https://cloud.google.com/memorystore/docs/redis/reference/rest/v1/projects.locations.instances#state */
const STATES = [
  'STATE_UNSPECIFIED',
  'CREATING',
  'READY',
  'UPDATING',
  'DELETING',
  'REPAIRING',
  'MAINTENANCE',
  'IMPORTING',
  'FAILING_OVER',
] as const;

/** A Memorystore for Redis instance (`projects.locations.instances.get`). */
export const redis = googleResourceKind<'redis'>({
  service: 'redis',
  api: 'Memorystore for Redis API',
  viewerRole: 'roles/redis.viewer',
  describe: (t) => `Redis instance ${t.project ?? ''}/${t.location}/${t.instance}`,
  path: (t) =>
    `v1/projects/${encodeURIComponent(t.project ?? '')}/locations/${encodeURIComponent(t.location)}/instances/${encodeURIComponent(t.instance)}`,
  answer: z
    .looseObject({
      state: z
        .string()
        .regex(/^[A-Z_]{1,100}$/, 'is not a state name')
        .default('STATE_UNSPECIFIED'),
      statusMessage: z.string().optional(),
      tier: z.string().optional(),
      redisVersion: z.string().optional(),
    })
    .transform((i) => ({ state: i.state, detail: said(i.statusMessage, i.tier, i.redisVersion) })),
  states: STATES,
  consoleUrl: (t) =>
    `https://console.cloud.google.com/memorystore/redis/locations/${encodeURIComponent(t.location)}/instances/${encodeURIComponent(t.instance)}/details/overview?project=${encodeURIComponent(t.project ?? '')}`,
});
