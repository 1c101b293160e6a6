import { z } from 'zod';
import { consoleLink, googleResourceKind, restPath, said, stateName } from './google-resource.ts';

/** Spanner instance admin v1 `Instance.State` (google/spanner/admin/instance/v1/spanner_instance_admin.proto). */
const STATES = ['STATE_UNSPECIFIED', 'CREATING', 'READY'] as const;

/** A Spanner instance (`projects.instances.get`). */
export const spanner = googleResourceKind<'spanner'>({
  service: 'spanner',
  api: 'Cloud Spanner API',
  viewerRole: 'roles/spanner.viewer',
  describe: (t) => `Spanner instance ${t.project ?? ''}/${t.instance}`,
  path: (t) => restPath('v1', 'projects', t.project, 'instances', t.instance),
  answer: z
    .looseObject({
      state: stateName('STATE_UNSPECIFIED'),
      config: z.string().optional(),
      nodeCount: z.number().optional(),
      processingUnits: z.number().optional(),
    })
    .transform((i) => ({
      state: i.state,
      detail: said(
        i.config?.split('/').at(-1),
        i.processingUnits !== undefined && `${i.processingUnits} processing units`,
      ),
    })),
  states: STATES,
  consoleUrl: (t) => consoleLink(t.project, 'spanner/instances', t.instance, 'details/databases'),
  list: {
    key: 'instance',
    path: (t) => restPath('v1', 'projects', t.project, 'instances'),
    items: 'instances',
  },
});
