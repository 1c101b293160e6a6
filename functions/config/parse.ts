import type { z } from 'zod';
import { loadKinds } from '../checks/registry.ts';
import { ConfigError, MAX_LISTED_ISSUES } from './errors.ts';
import { lineIn, yaml } from './lines.ts';
import { located, type Config } from './load.ts';
import { targetsFile } from './schema.ts';
import { unknownStates } from './states.ts';

// Validating a file asks every kind for its states: the parser is the slow path (a changed file,
// `validate`, `npm start`), and a deployed function reads its compiled config (compiled.ts).
await loadKinds();

/**
 * Parses and validates a targets file's text, `defaults:` merged in; every problem becomes one
 * {@link ConfigError}, each issue with its line. `file` only names it in errors.
 */
export function parseConfig(text: string, file: string): Config {
  const { LineCounter, parseDocument } = yaml();
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

function toIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string } {
  // Name the offending key rather than its parent object, so the line points at it too.
  if (issue.code === 'unrecognized_keys') {
    const message = issue.keys.length > 1 ? `unknown keys ${issue.keys.join(', ')}` : 'unknown key';
    return { path: [...issue.path, issue.keys[0] ?? ''], message };
  }
  // A value that fits none of its forms (a route: a variable's name, or an object): the first
  // problem of the form it is written in, at its key, rather than "invalid input".
  if (issue.code === 'invalid_union') {
    const written = issue.errors.find(
      (branch) => !(branch[0]?.code === 'invalid_type' && branch[0].path.length === 0),
    );
    const inner = written?.[0];
    if (inner) return toIssue({ ...inner, path: [...issue.path, ...inner.path] });
  }
  return { path: issue.path, message: issue.message };
}
