/**
 * Writes config/targets.schema.json from the zod schema, the single source of truth. Editors use it
 * (the `yaml-language-server: $schema=` line of targets.yaml); a test fails when it is stale.
 * Run: npm run schema
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { kindOf, loadKinds } from '../functions/checks/registry.ts';
import { type Kind, targetsFile } from '../functions/config/schema.ts';
import { EVERY_KIND } from '../functions/config/states.ts';

type JsonSchema = Record<string, unknown>;

// Each kind's states go into the schema.
await loadKinds();

export function targetsJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(targetsFile, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const variants = ((schema['properties'] as JsonSchema)['targets'] as { items: { oneOf: JsonSchema[] } })
    .items.oneOf;
  for (const variant of variants) withStateEnum(variant);
  return { ...schema, title: 'gcp-status-poller targets' };
}

/**
 * The states each kind reports, as the enum of its `allowedStates` items, so that editors complete
 * them. The loader checks the same list (config/states.ts) and names the line of a misspelt one;
 * kinds whose states are open (gcp-resource, HTTP_nnn families) keep plain strings.
 */
function withStateEnum(variant: JsonSchema): void {
  const properties = variant['properties'] as Record<string, JsonSchema>;
  const kind = (properties['kind'] as { const?: Kind }).const;
  const allowed = properties['allowedStates'];
  if (!kind || !allowed) return;
  const states = kindOf({ kind }).states;
  if (!states || states.some((s) => typeof s !== 'string')) return;
  allowed['items'] = {
    type: 'string',
    enum: [...new Set([...(states as string[]), ...EVERY_KIND])],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile('config/targets.schema.json', `${JSON.stringify(targetsJsonSchema(), null, 2)}\n`);
  console.log('wrote config/targets.schema.json');
}
