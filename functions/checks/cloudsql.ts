import { z } from 'zod';
import { consoleLink, googleResourceKind, restPath, said, stateName } from './google-resource.ts';

/** Cloud SQL Admin v1 `SqlInstanceState` (google/cloud/sql/v1/cloud_sql_resources.proto). */
const STATES = [
  'SQL_INSTANCE_STATE_UNSPECIFIED',
  'RUNNABLE',
  'SUSPENDED',
  'PENDING_DELETE',
  'PENDING_CREATE',
  'MAINTENANCE',
  'FAILED',
  'ONLINE_MAINTENANCE',
  'REPAIRING',
] as const;

/**
 * A Cloud SQL instance (`instances.get`). An instance stopped by its owner is still RUNNABLE in
 * the API, with `settings.activationPolicy: NEVER`: reported as STOPPED, which is what it is.
 */
export const cloudsql = googleResourceKind<'cloudsql'>({
  service: 'sqladmin',
  api: 'Cloud SQL Admin API',
  viewerRole: 'roles/cloudsql.viewer',
  describe: (t) => `Cloud SQL instance ${t.project ?? ''}/${t.instance}`,
  path: (t) => restPath('v1', 'projects', t.project, 'instances', t.instance),
  answer: z
    .looseObject({
      state: stateName('SQL_INSTANCE_STATE_UNSPECIFIED'),
      settings: z.looseObject({ activationPolicy: z.string().optional() }).optional(),
      databaseVersion: z.string().optional(),
      suspensionReason: z.array(z.string()).optional(),
    })
    .transform((i) => ({
      state: i.state === 'RUNNABLE' && i.settings?.activationPolicy === 'NEVER' ? 'STOPPED' : i.state,
      detail: said(
        i.databaseVersion,
        i.settings?.activationPolicy && `activation policy ${i.settings.activationPolicy}`,
        i.suspensionReason?.length ? `suspended: ${i.suspensionReason.join(', ')}` : undefined,
      ),
    })),
  states: [...STATES, 'STOPPED'],
  consoleUrl: (t) => consoleLink(t.project, 'sql/instances', t.instance, 'overview'),
  list: {
    key: 'instance',
    path: (t) => restPath('v1', 'projects', t.project, 'instances'),
    items: 'items',
    pageSize: 'maxResults',
  },
});
