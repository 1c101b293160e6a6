import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { readTargetsText } from './read-targets.ts';
import type { TargetsFile } from './schema.ts';

/**
 * A targets file validated at package time (`npm run package`), written beside it as JSON: the
 * deployed function then starts without a YAML parser or the schema (zod), and its first poll at
 * ten thousand targets does not spend ~150 MB parsing YAML. It is used only for the very text it
 * was made from (its hash), so an edited file is always parsed again.
 */
export interface CompiledConfig {
  format: typeof FORMAT;
  /** The sha256 (base64) of the targets file's text. */
  source: string;
  config: TargetsFile;
}

/** Raised when what a compiled config holds changes shape: an older one is then ignored. */
const FORMAT = 2;

/** Where the compiled form of a targets file is kept. */
export function compiledPath(file: string): string {
  return `${file}.compiled.json`;
}

/** The hash that ties a compiled config to its text. */
export function sourceHash(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}

/**
 * Validates `file` and writes its compiled form to `into` (beside it by default), for a
 * deployment in which `file` will be at the same path. Throws the file's ConfigError.
 */
export async function compileFile(file: string, into = compiledPath(file)): Promise<void> {
  const text = await readTargetsText(file);
  const { parseConfig } = await import('./parse.ts');
  const { concurrency, routes, weeklyReports, targets } = parseConfig(text, file);
  const compiled: CompiledConfig = {
    format: FORMAT,
    source: sourceHash(text),
    config: { concurrency, routes, weeklyReports, targets },
  };
  await writeFile(into, JSON.stringify(compiled));
}

/** The compiled config of `file` when there is one for the text hashed `source`; else undefined. */
export async function readCompiled(file: string, source: string): Promise<TargetsFile | undefined> {
  let text;
  try {
    text = await readFile(compiledPath(file), 'utf8');
  } catch {
    return undefined; // None: the usual case outside a deployed function.
  }
  try {
    const compiled = JSON.parse(text) as Partial<CompiledConfig>;
    return compiled.format === FORMAT && compiled.source === source ? compiled.config : undefined;
  } catch {
    return undefined; // Unreadable: the targets file itself is the truth.
  }
}
