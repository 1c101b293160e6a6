import { z } from 'zod';
import { consoleLink, googleResourceKind, restPath, said, stateName } from './google-resource.ts';

/** AlloyDB v1 `Cluster.State` and `Instance.State` together (google/cloud/alloydb/v1/resources.proto). */
const STATES = [
  'STATE_UNSPECIFIED',
  'READY',
  'STOPPED',
  'EMPTY',
  'CREATING',
  'DELETING',
  'FAILED',
  'BOOTSTRAPPING',
  'MAINTENANCE',
  'PROMOTING',
] as const;

const clusterPath = (t: { project?: string | undefined; location: string; cluster: string }) =>
  restPath('v1', 'projects', t.project, 'locations', t.location, 'clusters', t.cluster);

/** An AlloyDB cluster, or one instance of it when `instance` is given. */
export const alloydb = googleResourceKind<'alloydb'>({
  service: 'alloydb',
  api: 'AlloyDB API',
  viewerRole: 'roles/alloydb.viewer',
  describe: (t) =>
    `AlloyDB ${t.instance ? 'instance' : 'cluster'} ${t.project ?? ''}/${t.location}/${t.cluster}${t.instance ? `/${t.instance}` : ''}`,
  path: (t) =>
    t.instance ? `${clusterPath(t)}/instances/${encodeURIComponent(t.instance)}` : clusterPath(t),
  answer: z
    .looseObject({
      state: stateName('STATE_UNSPECIFIED'),
      reconciling: z.boolean().default(false),
      databaseVersion: z.string().optional(),
      instanceType: z.string().optional(),
    })
    .transform((r) => ({
      state: r.state,
      detail: said(r.reconciling && 'reconciling', r.databaseVersion, r.instanceType),
    })),
  states: STATES,
  consoleUrl: (t) =>
    consoleLink(t.project, 'alloydb/locations', t.location, 'clusters', t.cluster, 'overview'),
  list: {
    key: 'cluster',
    path: (t) => restPath('v1', 'projects', t.project, 'locations', t.location, 'clusters'),
    items: 'clusters',
  },
});
