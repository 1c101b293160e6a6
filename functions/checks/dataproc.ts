import { z } from 'zod';
import { googleResourceKind, restPath, said, stateName } from './google-resource.ts';

/** Dataproc v1 `ClusterStatus.State` (google/cloud/dataproc/v1/clusters.proto). */
const STATES = [
  'UNKNOWN',
  'CREATING',
  'RUNNING',
  'ERROR',
  'ERROR_DUE_TO_UPDATE',
  'DELETING',
  'UPDATING',
  'STOPPING',
  'STOPPED',
  'STARTING',
  'REPAIRING',
] as const;

/** A Dataproc cluster (`projects.regions.clusters.get`: regions, not locations). */
export const dataproc = googleResourceKind<'dataproc'>({
  service: 'dataproc',
  api: 'Dataproc API',
  viewerRole: 'roles/dataproc.viewer',
  describe: (t) => `Dataproc cluster ${t.project ?? ''}/${t.region}/${t.cluster}`,
  path: (t) => restPath('v1', 'projects', t.project, 'regions', t.region, 'clusters', t.cluster),
  answer: z
    .looseObject({
      status: z
        .looseObject({
          state: stateName('UNKNOWN'),
          detail: z.string().optional(),
          substate: z.string().optional(),
        })
        .prefault({}),
    })
    .transform(({ status }) => ({
      state: status.state,
      detail: said(status.detail, status.substate && status.substate !== 'UNSPECIFIED' && status.substate),
    })),
  states: STATES,
  consoleUrl: (t) =>
    `https://console.cloud.google.com/dataproc/clusters/${encodeURIComponent(t.cluster)}/monitoring?region=${encodeURIComponent(t.region)}&project=${encodeURIComponent(t.project ?? '')}`,
  list: {
    key: 'cluster',
    path: (t) => restPath('v1', 'projects', t.project, 'regions', t.region, 'clusters'),
    items: 'clusters',
    // Dataproc names a cluster `clusterName`; it has no `name`.
    id: (item) => item['clusterName'],
  },
});
