import { readFile } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError, formatPath, type ConfigIssue } from './errors.ts';
import { DEFAULT_ROUTE, targetsFile, type Target, type TargetsFile } from './schema.ts';

/** A validated targets file, ready to poll. */
export interface Config {
  concurrency: number;
  targets: Target[];
  /** Named routes → webhook URL, read from the environment. Secrets: never log or report them. */
  routes: Record<string, string>;
}

/** Reads, parses and validates the targets file; every problem becomes one {@link ConfigError}. */
export async function loadConfig(file: string, env: NodeJS.ProcessEnv): Promise<Config> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError(file, [
      { path: '(root)', message: `cannot read the file: ${(error as Error).message}` },
    ]);
  }
  return parseConfig(text, file, env);
}

/** {@link loadConfig} on text already read; `file` only names it in errors. */
export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv): Config {
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
  const parsed = targetsFile.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    throw new ConfigError(
      file,
      parsed.error.issues.map((zodIssue) => {
        const { issue, path } = toIssue(zodIssue);
        return locate(issue, path, doc, lines);
      }),
    );
  }
  const issues: LocatedIssue[] = [];
  const targets = parsed.data.targets.map((spec, index) => resolve(spec, index, parsed.data, env, issues));
  const routes: Record<string, string> = {};
  for (const [route, variable] of Object.entries(parsed.data.routes)) {
    const url = env[variable];
    if (url === undefined || url === '') {
      issues.push({
        issue: {
          path: formatPath(['routes', route]),
          message: `environment variable ${variable} is not set`,
        },
        path: ['routes', route],
      });
    } else routes[route] = url;
  }
  if (issues.length > 0) {
    throw new ConfigError(
      file,
      issues.map(({ issue, path }) => locate(issue, path, doc, lines)),
    );
  }
  return { concurrency: parsed.data.concurrency, targets, routes };
}

type LocatedIssue = { issue: ConfigIssue; path: PropertyKey[] };

function toIssue(issue: z.core.$ZodIssue): LocatedIssue {
  // Name the offending key rather than its parent object, so the line points at it too.
  if (issue.code === 'unrecognized_keys') {
    const path = [...issue.path, issue.keys[0] ?? ''];
    const message = issue.keys.length > 1 ? `unknown keys ${issue.keys.join(', ')}` : 'unknown key';
    return { issue: { path: formatPath(path), message }, path };
  }
  return { issue: { path: formatPath(issue.path), message: issue.message }, path: issue.path };
}

function locate(
  issue: ConfigIssue,
  path: readonly PropertyKey[],
  doc: Document,
  lines: LineCounter,
): ConfigIssue {
  // A missing key has no node of its own: walk up to the nearest ancestor that exists.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return { ...issue, line: lines.linePos(node.range[0]).line };
  }
  return issue;
}

type Spec = TargetsFile['targets'][number];

function resolve(
  spec: Spec,
  index: number,
  file: TargetsFile,
  env: NodeJS.ProcessEnv,
  issues: LocatedIssue[],
): Target {
  const mention = spec.mention ?? file.defaults.mention ?? [];
  const merged = {
    ...spec,
    mention: typeof mention === 'string' ? [mention] : mention,
    timeout: spec.timeout ?? file.defaults.timeout,
    failureThreshold: spec.failureThreshold ?? file.defaults.failureThreshold ?? { count: 1 },
    successThreshold: spec.successThreshold ?? file.defaults.successThreshold ?? { count: 1 },
    remindEvery: spec.remindEvery ?? file.defaults.remindEvery ?? null,
    route: spec.route ?? file.defaults.route ?? DEFAULT_ROUTE,
    maintenance: [...file.maintenance, ...(spec.maintenance ?? [])],
    dependsOn: spec.dependsOn ?? [],
  };
  const fail = (path: PropertyKey[], message: string) =>
    issues.push({
      issue: { path: formatPath(['targets', index, ...path]), message },
      path: ['targets', index, ...path],
    });

  if (
    merged.kind === 'datastream' &&
    !merged.stream.startsWith('projects/') &&
    merged.project === undefined
  ) {
    const project = env['GOOGLE_CLOUD_PROJECT'];
    if (project) merged.project = project;
    else fail(['project'], 'is required because GOOGLE_CLOUD_PROJECT is not set');
  }
  if (merged.kind === 'cluster-heartbeat') {
    merged.headers = Object.fromEntries(
      Object.entries(merged.headers).map(([header, value]) => [
        header,
        expand(value, env, (variable) =>
          fail(['headers', header], `environment variable ${variable} is not set`),
        ),
      ]),
    );
  }
  return merged;
}

/** `${VAR}` → the variable's value; `$${` escapes a literal `${`. */
function expand(value: string, env: NodeJS.ProcessEnv, missing: (variable: string) => void): string {
  return value.replace(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (match, variable: string) => {
    if (match.startsWith('$$')) return match.slice(1);
    const found = env[variable];
    if (found === undefined) missing(variable);
    return found ?? '';
  });
}
