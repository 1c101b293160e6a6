import { z } from 'zod';
import { consoleLink, googleResourceKind, restPath, said, stateName } from './google-resource.ts';

/** Compute Engine v1 `Instance.Status` (google/cloud/compute/v1/compute.proto). */
const STATES = [
  'UNDEFINED_STATUS',
  'DEPROVISIONING',
  'PENDING',
  'PENDING_STOP',
  'PROVISIONING',
  'REPAIRING',
  'RUNNING',
  'STAGING',
  'STOPPED',
  'STOPPING',
  'SUSPENDED',
  'SUSPENDING',
  'TERMINATED',
] as const;

/** A Compute Engine VM (`instances.get`). */
export const computeInstance = googleResourceKind<'compute-instance'>({
  service: 'compute',
  api: 'Compute Engine API',
  viewerRole: 'roles/compute.viewer',
  describe: (t) => `VM ${t.project ?? ''}/${t.zone}/${t.instance}`,
  path: (t) => restPath('compute', 'v1', 'projects', t.project, 'zones', t.zone, 'instances', t.instance),
  answer: z
    .looseObject({
      status: stateName('UNDEFINED_STATUS'),
      statusMessage: z.string().optional(),
      machineType: z.string().optional(),
    })
    .transform((i) => ({
      state: i.status,
      detail: said(i.statusMessage, i.machineType?.split('/').at(-1)),
    })),
  states: STATES,
  consoleUrl: (t) => consoleLink(t.project, 'compute/instancesDetail/zones', t.zone, 'instances', t.instance),
  list: {
    key: 'instance',
    path: (t) => restPath('compute', 'v1', 'projects', t.project, 'zones', t.zone, 'instances'),
    items: 'items',
    pageSize: 'maxResults',
  },
});
