import { z } from 'zod';
import { consoleLink, googleResourceKind, restPath, said, stateName } from './google-resource.ts';

/** Pub/Sub v1 `Subscription.State` (google/pubsub/v1/pubsub.proto). */
const STATES = ['STATE_UNSPECIFIED', 'ACTIVE', 'RESOURCE_ERROR'] as const;
/** The states of a BigQuery or Cloud Storage export (`bigqueryConfig.state`, `cloudStorageConfig.state`). */
const EXPORT_STATES = [
  'PERMISSION_DENIED',
  'NOT_FOUND',
  'SCHEMA_MISMATCH',
  'IN_TRANSIT_LOCATION_RESTRICTION',
  'VERTEX_AI_LOCATION_RESTRICTION',
] as const;
const EXPORTS = { bigqueryConfig: 'BIGQUERY', cloudStorageConfig: 'CLOUD_STORAGE' } as const;

const exportConfig = z.looseObject({ state: z.string().optional() }).optional();

/**
 * A Pub/Sub subscription (`projects.subscriptions.get`). A BigQuery or Cloud Storage export that
 * is not ACTIVE is the more precise state (`BIGQUERY_PERMISSION_DENIED`: RESOURCE_ERROR says only
 * "see the config"), and a subscription whose topic was deleted is TOPIC_DELETED.
 */
export const pubsubSubscription = googleResourceKind<'pubsub-subscription'>({
  service: 'pubsub',
  api: 'Pub/Sub API',
  viewerRole: 'roles/pubsub.viewer',
  describe: (t) => `Pub/Sub subscription ${t.project ?? ''}/${t.subscription}`,
  path: (t) => restPath('v1', 'projects', t.project, 'subscriptions', t.subscription),
  answer: z
    .looseObject({
      state: stateName('STATE_UNSPECIFIED'),
      topic: z.string().optional(),
      bigqueryConfig: exportConfig,
      cloudStorageConfig: exportConfig,
    })
    .transform((s) => {
      const failing = (Object.keys(EXPORTS) as (keyof typeof EXPORTS)[])
        .map((key) => ({ key, state: s[key]?.state }))
        .find(({ state }) => state !== undefined && state !== 'ACTIVE' && state !== 'STATE_UNSPECIFIED');
      const topic = s.topic === '_deleted-topic_' ? 'the topic was deleted' : s.topic && `topic ${s.topic}`;
      if (failing) {
        return {
          state: `${EXPORTS[failing.key]}_${failing.state ?? ''}`,
          detail: said(`${failing.key}.state ${failing.state ?? ''}`, topic),
        };
      }
      if (s.topic === '_deleted-topic_') return { state: 'TOPIC_DELETED', detail: said(topic) };
      return { state: s.state, detail: said(topic) };
    }),
  states: [
    ...STATES,
    'TOPIC_DELETED',
    ...Object.values(EXPORTS).flatMap((prefix) => EXPORT_STATES.map((state) => `${prefix}_${state}`)),
  ],
  consoleUrl: (t) => consoleLink(t.project, 'cloudpubsub/subscription/detail', t.subscription),
  list: {
    key: 'subscription',
    path: (t) => restPath('v1', 'projects', t.project, 'subscriptions'),
    items: 'subscriptions',
  },
});
