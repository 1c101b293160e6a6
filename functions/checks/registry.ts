import type { Kind, Target } from '../config/schema.ts';
import { cloudsql } from './cloudsql.ts';
import { clusterHeartbeat } from './cluster-heartbeat.ts';
import { datastream } from './datastream.ts';
import { gcpResource } from './gcp-resource.ts';
import type { KindRegistry, RegisteredKind } from './kind.ts';
import { push } from './push.ts';
import { redis } from './redis.ts';

/** Kind → its module. A new kind is one schema variant, one file in checks/ and one line here. */
const kinds = {
  datastream,
  'cluster-heartbeat': clusterHeartbeat,
  push,
  cloudsql,
  redis,
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
