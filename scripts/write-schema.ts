/**
 * Writes config/targets.schema.json from the zod schema, the single source of truth. Editors use it
 * (the `yaml-language-server: $schema=` line of targets.yaml); a test fails when it is stale.
 * Run: npm run schema
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { targetsFile } from '../functions/config/schema.ts';

export function targetsJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(targetsFile, { io: 'input', unrepresentable: 'any' }),
    title: 'gcp-status-poller targets',
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeFile('config/targets.schema.json', `${JSON.stringify(targetsJsonSchema(), null, 2)}\n`);
  console.log('wrote config/targets.schema.json');
}
