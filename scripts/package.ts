/**
 * Builds the deploy artifact in build/function/: the compiled function, the targets YAML (and its
 * validated form, config/targets.yaml.compiled.json), and a
 * package.json + lockfile with the runtime dependencies only (no test code, no TypeScript, no
 * Node binary package). Terraform zips this folder; Cloud Build runs `npm ci` on it.
 * Run: npm run package  (which compiles first)
 */
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileFile } from '../functions/config/compiled.ts';

export const ARTIFACT_DIR = 'build/function';

interface PackageJson {
  name: string;
  version: string;
  description?: string;
  license?: string;
  type: string;
  main: string;
  engines?: Record<string, string>;
  dependencies: Record<string, string>;
}

const root = JSON.parse(await readFile('package.json', 'utf8')) as PackageJson;
await rm(ARTIFACT_DIR, { recursive: true, force: true });
await mkdir(join(ARTIFACT_DIR, 'config'), { recursive: true });
await cp('dist/functions', join(ARTIFACT_DIR, 'dist/functions'), {
  recursive: true,
  // Source maps point at TypeScript that is not shipped.
  filter: (source) => !source.endsWith('.map'),
});
await cp('config/targets.yaml', join(ARTIFACT_DIR, 'config/targets.yaml'));
// Validated here once, so the function starts without a YAML parser (functions/config/compiled.ts).
await compileFile(join(ARTIFACT_DIR, 'config/targets.yaml'));
await cp('config/targets.schema.json', join(ARTIFACT_DIR, 'config/targets.schema.json'));
const runtime: PackageJson = {
  name: root.name,
  version: root.version,
  ...(root.description ? { description: root.description } : {}),
  ...(root.license ? { license: root.license } : {}),
  type: root.type,
  main: root.main,
  // What Cloud Run runs it on. Not in the checkout's package.json: there npm runs on whatever Node
  // the machine has, and the scripts on the Node 24 the checkout installs (the `node` package).
  engines: { node: '>=24 <25' },
  dependencies: root.dependencies,
};
await writeFile(join(ARTIFACT_DIR, 'package.json'), `${JSON.stringify(runtime, null, 2)}\n`);
// Start from the tested lockfile so npm keeps its exact versions and only drops the dev ones.
await cp('package-lock.json', join(ARTIFACT_DIR, 'package-lock.json'));
execFileSync(
  'npm',
  ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
  {
    cwd: ARTIFACT_DIR,
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
console.log(`wrote ${ARTIFACT_DIR}`);
