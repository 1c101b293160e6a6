import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, formatPath, MAX_LISTED_ISSUES, type ConfigIssue } from './errors.ts';
import { targetsFile, type TargetsFile } from './schema.ts';
import { unknownStates } from './states.ts';

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

/**
 * The largest targets file read: about 18,000 targets written one key a line, 20,000 one target a
 * line (10,000 heartbeats with their URLs take 1 MB). Parsing 2 MiB with line numbers takes about
 * 1.4 s and 300 MB at peak on a 2-core machine, so a larger file is refused before it is parsed:
 * a runaway or hostile file cannot take a 512 MiB instance.
 */
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** The last file parsed, by path: its text's hash and what it made. */
const parsed = new Map<string, { hash: string; config: Config }>();

/**
 * Reads, parses and validates the targets file; every problem becomes one {@link ConfigError}.
 * The file is read on every call (edits apply to the next poll), but parsed again only when its
 * text changed: parsing is most of a poll's CPU at ten thousand targets, and its peak memory.
 */
export async function loadConfig(file: string): Promise<Config> {
  const text = await readCapped(file);
  const hash = createHash('sha256').update(text).digest('base64');
  const known = parsed.get(file);
  if (known?.hash === hash) return known.config;
  const fresh = parseConfig(text, file);
  // Lines are looked up again only for a warning or an error found later (rare): the parsed
  // document, several times the text's size, is not kept for them.
  const config: Config = { ...fresh, lineOf: lazyLines(text) };
  parsed.set(file, { hash, config });
  return config;
}

/** `lineOf` over `text`, parsing it on first use. */
function lazyLines(text: string): Config['lineOf'] {
  let lineOf: Config['lineOf'] | undefined;
  return (path) => {
    if (!lineOf) {
      const lines = new LineCounter();
      const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
      lineOf = (at) => lineIn(doc, lines, at);
    }
    return lineOf(path);
  };
}

async function readCapped(file: string): Promise<string> {
  const fail = (message: string) => new ConfigError(file, [{ path: '(root)', message }]);
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw fail(`cannot read the file: ${(error as Error).message}`);
  }
  try {
    const { size } = await handle.stat();
    if (size > MAX_FILE_BYTES) {
      throw fail(
        `the file is ${size} bytes; at most ${MAX_FILE_BYTES} are read (${MAX_FILE_BYTES / 1024 / 1024} MiB)`,
      );
    }
    return await handle.readFile('utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw fail(`cannot read the file: ${(error as Error).message}`);
  } finally {
    await handle.close();
  }
}

/** {@link loadConfig} on text already read; `file` only names it in errors. */
export function parseConfig(text: string, file: string): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((error) => ({
        path: '(root)',
        message: `YAML syntax: ${error.message.split('\n')[0] ?? error.code}`,
        line: lines.linePos(error.pos[0]).line,
      })),
    );
  }
  const lineOf = (path: readonly PropertyKey[]) => lineIn(doc, lines, path);
  let data: unknown;
  try {
    // yaml refuses aliases that expand past its limit (a "billion laughs" file) by throwing.
    data = doc.toJS() ?? {};
  } catch (error) {
    throw new ConfigError(file, [{ path: '(root)', message: `YAML: ${(error as Error).message}` }]);
  }
  const parsed = targetsFile.safeParse(data);
  if (!parsed.success) {
    const { issues } = parsed.error;
    // Only the issues listed are located: finding a line walks the document.
    const listed = issues.slice(0, MAX_LISTED_ISSUES).map((zodIssue) => {
      const { path, message } = toIssue(zodIssue);
      return located(path, message, lineOf);
    });
    throw new ConfigError(file, listed, issues.length);
  }
  const config: Config = { ...parsed.data, file, lineOf };
  const states = unknownStates(config);
  if (states.length > 0) throw new ConfigError(file, states);
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

function toIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  // Name the offending key rather than its parent object, so the line points at it too.
  if (issue.code === 'unrecognized_keys') {
    const message = issue.keys.length > 1 ? `unknown keys ${issue.keys.join(', ')}` : 'unknown key';
    return { path: [...issue.path, issue.keys[0] ?? ''], message };
  }
  return { path: issue.path, message: issue.message };
}

function lineIn(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  // A missing key has no node of its own: walk up to the nearest ancestor that exists.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}
