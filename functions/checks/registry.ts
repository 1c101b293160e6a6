import type { Kind, Target } from '../config/schema.ts';
import { alloydb } from './alloydb.ts';
import { bqTransfer } from './bq-transfer.ts';
import { cloudFunction } from './cloud-function.ts';
import { cloudRun } from './cloud-run.ts';
import { cloudsql } from './cloudsql.ts';
import { clusterHeartbeat } from './cluster-heartbeat.ts';
import { composer } from './composer.ts';
import { computeInstance } from './compute-instance.ts';
import { dataflow } from './dataflow.ts';
import { dataproc } from './dataproc.ts';
import { datastream } from './datastream.ts';
import { gcpResource } from './gcp-resource.ts';
import { gkeCluster, gkeNodePool } from './gke.ts';
import type { KindRegistry, RegisteredKind } from './kind.ts';
import { pubsubSubscription } from './pubsub-subscription.ts';
import { push } from './push.ts';
import { redis } from './redis.ts';
import { schedulerJob } from './scheduler-job.ts';
import { spanner } from './spanner.ts';
import { workflow } from './workflow.ts';

/** Kind → its module. A new kind is one schema variant, one file in checks/ and one line here. */
const kinds = {
  datastream,
  'cluster-heartbeat': clusterHeartbeat,
  push,
  cloudsql,
  dataflow,
  composer,
  'gke-cluster': gkeCluster,
  'gke-nodepool': gkeNodePool,
  dataproc,
  redis,
  'cloud-run': cloudRun,
  'cloud-function': cloudFunction,
  'compute-instance': computeInstance,
  spanner,
  alloydb,
  'pubsub-subscription': pubsubSubscription,
  'scheduler-job': schedulerJob,
  workflow,
  'bq-transfer': bqTransfer,
  'gcp-resource': gcpResource,
} satisfies KindRegistry;

/**
 * The module of a target's kind. TypeScript cannot correlate `kinds[target.kind]` with `target`;
 * the registry's type guarantees that they match.
 */
export function kindOf(target: Target): RegisteredKind<Kind> {
  return kinds[target.kind] as RegisteredKind<Kind>;
}

/** The resource's page for people, or null when its kind has none. */
export function consoleUrl(target: Target): string | null {
  return kindOf(target).consoleUrl?.(target) ?? null;
}
