import type { Kind, Target } from '../config/schema.ts';
import type { Observation } from '../model.ts';
import type { Check, CheckContext, CheckRegistry } from './check.ts';
import { clusterHeartbeat } from './cluster-heartbeat.ts';
import { datastream } from './datastream.ts';
import { push } from './push.ts';

/** Kind → check. A new kind is one schema variant, one file in checks/ and one line here. */
export const checks = {
  datastream,
  'cluster-heartbeat': clusterHeartbeat,
  push,
} satisfies CheckRegistry;

/** Runs the check of the target's kind. */
export function observe(target: Target, context: CheckContext): Promise<Observation> {
  // TypeScript cannot correlate `checks[target.kind]` with `target`; the registry's type guarantees it.
  const check: Check<Kind> = checks[target.kind] as Check<Kind>;
  return check(target, context);
}
