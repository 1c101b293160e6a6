import { z } from 'zod';
import { consoleLink, googleResourceKind, restPath, said, stateName } from './google-resource.ts';

/** GKE v1 `Cluster.Status` (google/container/v1/cluster_service.proto). */
const CLUSTER_STATES = [
  'STATUS_UNSPECIFIED',
  'PROVISIONING',
  'RUNNING',
  'RECONCILING',
  'STOPPING',
  'ERROR',
  'DEGRADED',
] as const;
/** GKE v1 `NodePool.Status`. */
const NODE_POOL_STATES = [
  'STATUS_UNSPECIFIED',
  'PROVISIONING',
  'RUNNING',
  'RUNNING_WITH_ERROR',
  'RECONCILING',
  'STOPPING',
  'ERROR',
] as const;

/** `statusMessage` is deprecated in favour of `conditions[]`; both are read. */
const gkeAnswer = z
  .looseObject({
    status: stateName('STATUS_UNSPECIFIED'),
    statusMessage: z.string().optional(),
    conditions: z
      .array(z.looseObject({ message: z.string().optional(), canonicalCode: z.string().optional() }))
      .default([]),
    currentMasterVersion: z.string().optional(),
    version: z.string().optional(),
  })
  .transform((r) => ({
    state: r.status,
    detail: said(
      r.statusMessage,
      ...r.conditions.map((c) => said(c.canonicalCode, c.message).replace('; ', ': ')),
      r.currentMasterVersion ?? r.version,
    ),
  }));

const clusterPath = (t: { project?: string | undefined; location: string; cluster: string }) =>
  restPath('v1', 'projects', t.project, 'locations', t.location, 'clusters', t.cluster);
const clusterPage = (t: { project?: string | undefined; location: string; cluster: string }) =>
  consoleLink(t.project, 'kubernetes/clusters/details', t.location, t.cluster, 'details');

/** A GKE cluster (`projects.locations.clusters.get`). */
export const gkeCluster = googleResourceKind<'gke-cluster'>({
  service: 'container',
  api: 'Kubernetes Engine API',
  viewerRole: 'roles/container.clusterViewer',
  describe: (t) => `GKE cluster ${t.project ?? ''}/${t.location}/${t.cluster}`,
  path: clusterPath,
  answer: gkeAnswer,
  states: CLUSTER_STATES,
  consoleUrl: clusterPage,
  list: {
    key: 'cluster',
    path: (t) => restPath('v1', 'projects', t.project, 'locations', t.location, 'clusters'),
    items: 'clusters',
    pageSize: null,
  },
});

/** A node pool of a GKE cluster (`projects.locations.clusters.nodePools.get`). */
export const gkeNodePool = googleResourceKind<'gke-nodepool'>({
  service: 'container',
  api: 'Kubernetes Engine API',
  viewerRole: 'roles/container.clusterViewer',
  describe: (t) => `GKE node pool ${t.project ?? ''}/${t.location}/${t.cluster}/${t.nodePool}`,
  path: (t) => `${clusterPath(t)}/nodePools/${encodeURIComponent(t.nodePool)}`,
  answer: gkeAnswer,
  states: NODE_POOL_STATES,
  consoleUrl: (t) => consoleLink(t.project, 'kubernetes/nodepool', t.location, t.cluster, t.nodePool),
  list: { key: 'nodePool', path: (t) => `${clusterPath(t)}/nodePools`, items: 'nodePools', pageSize: null },
});
