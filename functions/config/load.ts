import { readCompiled, sourceHash } from './compiled.ts';
import { formatPath, type ConfigIssue } from './errors.ts';
import { lazyLines } from './lines.ts';
import { readTargetsText } from './read-targets.ts';
import type { TargetsFile } from './schema.ts';

/**
 * A validated targets file, `defaults:` merged in. Values that come from the environment (`${VAR}`
 * in headers, route webhooks, the default project) are not resolved yet: see resolve.ts, so that a
 * ping resolves its own target and nothing else.
 */
export interface Config extends TargetsFile {
  file: string;
  /** The line in the file of a path such as `['targets', 2, 'headers', 'Authorization']`. */
  readonly lineOf: (path: readonly PropertyKey[]) => number | undefined;
}

/** The last file read, by path: its text's hash and what it made. */
const parsed = new Map<string, { hash: string; config: Config }>();

/**
 * Reads and validates the targets file; every problem becomes one ConfigError (errors.ts). The file
 * is read on every call (edits apply to the next poll), but parsed again only when its text
 * changed: parsing is most of a poll's CPU at ten thousand targets, and its peak memory. Its
 * compiled form (compiled.ts, made by `npm run package`) stands in for parsing when it was made
 * from this very text, unless `compiled: false` (`validate` always parses).
 */
export async function loadConfig(file: string, options: { compiled?: boolean } = {}): Promise<Config> {
  const text = await readTargetsText(file);
  const hash = sourceHash(text);
  const known = parsed.get(file);
  if (known?.hash === hash && options.compiled !== false) return known.config;
  const compiled = options.compiled === false ? undefined : await readCompiled(file, hash);
  const fresh = compiled ?? (await import('./parse.ts')).parseConfig(text, file);
  // Lines are looked up again only for a warning or an error found later (rare): the parsed
  // document, several times the text's size, is not kept for them.
  const config: Config = { ...fresh, file, lineOf: lazyLines(text) };
  parsed.set(file, { hash, config });
  return config;
}

/** An issue at `path`, with its line when the file has one for it. */
export function located(
  path: readonly PropertyKey[],
  message: string,
  lineOf: Config['lineOf'],
): ConfigIssue {
  const line = lineOf(path);
  return { path: formatPath(path), message, ...(line === undefined ? {} : { line }) };
}
