import { z } from 'zod';
import { consoleLink, googleResourceKind, restPath, said, stateName } from './google-resource.ts';

/** Memorystore for Redis v1 `Instance.State` (google/cloud/redis/v1/cloud_redis.proto). */
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
  path: (t) => restPath('v1', 'projects', t.project, 'locations', t.location, 'instances', t.instance),
  answer: z
    .looseObject({
      state: stateName('STATE_UNSPECIFIED'),
      statusMessage: z.string().optional(),
      tier: z.string().optional(),
      redisVersion: z.string().optional(),
      suspensionReasons: z.array(z.string()).optional(),
    })
    .transform((i) => ({
      state: i.state,
      detail: said(
        i.statusMessage,
        i.suspensionReasons?.length ? `suspended: ${i.suspensionReasons.join(', ')}` : undefined,
        i.tier,
        i.redisVersion,
      ),
    })),
  states: STATES,
  consoleUrl: (t) =>
    consoleLink(
      t.project,
      'memorystore/redis/locations',
      t.location,
      'instances',
      t.instance,
      'details/overview',
    ),
  list: {
    key: 'instance',
    path: (t) => restPath('v1', 'projects', t.project, 'locations', t.location, 'instances'),
    items: 'instances',
  },
});
