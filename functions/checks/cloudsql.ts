import { z } from 'zod';
import { googleResourceKind, said } from './google-resource.ts';

/** Cloud SQL Admin v1 instance states: https://cloud.google.com/sql/docs/mysql/admin-api/rest/v1/instances#sqlinstancestate */
const STATES = [
  'SQL_INSTANCE_STATE_UNSPECIFIED',
  'RUNNABLE',
  'SUSPENDED',
  'PENDING_DELETE',
  'PENDING_CREATE',
  'MAINTENANCE',
  'FAILED',
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
  path: (t) =>
    `v1/projects/${encodeURIComponent(t.project ?? '')}/instances/${encodeURIComponent(t.instance)}`,
  answer: z
    .looseObject({
      state: z
        .string()
        .regex(/^[A-Z_]{1,100}$/, 'is not a state name')
        .default('SQL_INSTANCE_STATE_UNSPECIFIED'),
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
  consoleUrl: (t) =>
    `https://console.cloud.google.com/sql/instances/${encodeURIComponent(t.instance)}/overview?project=${encodeURIComponent(t.project ?? '')}`,
});
