import type { Target } from '../config/schema.ts';
import type { Observation } from '../model/observation.ts';
import { kindOf } from './registry.ts';

/** The state of a discovery target whose list worked: its members carry the resources' own states. */
export const LISTED = 'LISTED';
/** The state of a discovered resource that is no longer listed: reported once, then forgotten. */
export const DELETED = 'DELETED';

/** The key that says which resource a target watches, when it says `"*"`: every one (discovery). */
export function discoveryKey(target: Target): string | null {
  const key = kindOf(target).discovery?.key;
  return key !== undefined && (target as Record<string, unknown>)[key] === '*' ? key : null;
}

/** The stored name prefix of a discovery target's members: `orders/`. */
export function membersOf(target: Target): string {
  return `${target.name}/`;
}

/**
 * One discovered resource as a target of its own: the discovery target's settings, its id in the
 * key that said `"*"`, named `<target name>/<id>`.
 */
export function memberTarget(target: Target, key: string, id: string): Target {
  return { ...target, name: `${membersOf(target)}${id}`, [key]: id };
}

/** The discovery target itself is healthy while its list works; its members are judged as configured. */
export function listTarget(target: Target): Target {
  return { ...target, allowedStates: [LISTED] };
}

/** What the discovery target reports when its list worked. */
export function listedObservation(ids: readonly string[], what: string): Observation {
  const shown = ids.slice(0, 20).join(', ');
  const more = ids.length > 20 ? ` and ${ids.length - 20} more` : '';
  return {
    state: LISTED,
    detail: ids.length === 0 ? `no ${what} found` : `${ids.length} ${what}: ${shown}${more}`,
  };
}
