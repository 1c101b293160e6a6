import type { Kind, Target } from '../config/schema.ts';
import type { KindLoaders, RegisteredKind } from './kind.ts';

/**
 * Kind → how to load its module. A new kind is one schema variant, one file in checks/ and one
 * line here. Loaded on first use: a ping loads `push` alone, a poll the kinds its file has; zod
 * and sixteen Google modules are no part of a heartbeat-only cold start.
 */
const loaders = {
  datastream: async () => (await import('./datastream.ts')).datastream,
  'cluster-heartbeat': async () => (await import('./cluster-heartbeat.ts')).clusterHeartbeat,
  push: async () => (await import('./push.ts')).push,
  cloudsql: async () => (await import('./cloudsql.ts')).cloudsql,
  dataflow: async () => (await import('./dataflow.ts')).dataflow,
  composer: async () => (await import('./composer.ts')).composer,
  'gke-cluster': async () => (await import('./gke.ts')).gkeCluster,
  'gke-nodepool': async () => (await import('./gke.ts')).gkeNodePool,
  dataproc: async () => (await import('./dataproc.ts')).dataproc,
  redis: async () => (await import('./redis.ts')).redis,
  'cloud-run': async () => (await import('./cloud-run.ts')).cloudRun,
  'cloud-function': async () => (await import('./cloud-function.ts')).cloudFunction,
  'compute-instance': async () => (await import('./compute-instance.ts')).computeInstance,
  spanner: async () => (await import('./spanner.ts')).spanner,
  alloydb: async () => (await import('./alloydb.ts')).alloydb,
  'pubsub-subscription': async () => (await import('./pubsub-subscription.ts')).pubsubSubscription,
  'scheduler-job': async () => (await import('./scheduler-job.ts')).schedulerJob,
  workflow: async () => (await import('./workflow.ts')).workflow,
  'bq-transfer': async () => (await import('./bq-transfer.ts')).bqTransfer,
  'gcp-resource': async () => (await import('./gcp-resource.ts')).gcpResource,
} satisfies KindLoaders;

/** Every kind there is, in the registry's order. */
export const KINDS = Object.keys(loaders) as Kind[];

const loaded = new Map<Kind, RegisteredKind<Kind>>();

/** Loads the modules of these kinds (or of these targets' kinds), once each. */
export async function loadKinds(of: Iterable<Kind | Pick<Target, 'kind'>> = KINDS): Promise<void> {
  const wanted = new Set<Kind>();
  for (const item of of) wanted.add(typeof item === 'string' ? item : item.kind);
  await Promise.all(
    [...wanted]
      .filter((kind) => !loaded.has(kind))
      .map(async (kind) => {
        loaded.set(kind, (await loaders[kind]()) as RegisteredKind<Kind>);
      }),
  );
}

/**
 * The module of a target's kind, loaded before by {@link loadKinds} (resolving a target does it).
 * TypeScript cannot correlate the module with `target`; the loaders' type guarantees they match.
 */
export function kindOf(target: Pick<Target, 'kind'>): RegisteredKind<Kind> {
  const kind = loaded.get(target.kind);
  // A mistake of ours, not of the file: every path loads the kinds it resolves.
  if (!kind) throw new Error(`the ${target.kind} kind is used before it is loaded (loadKinds)`);
  return kind;
}

/** The resource's page for people, or null when its kind has none. */
export function consoleUrl(target: Target): string | null {
  return kindOf(target).consoleUrl?.(target) ?? null;
}
