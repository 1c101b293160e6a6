/** One thing wrong with the targets file, located as precisely as we can. */
export interface ConfigIssue {
  /** `targets[2].kind`, or `(root)` for the file itself. */
  path: string;
  message: string;
  line?: number;
}

/** Renders `targets[2].kind: unknown kind "x" (line 7); expected a | b`: the line goes after the first clause. */
export function formatIssue({ path, message, line }: ConfigIssue): string {
  if (line === undefined) return `${path}: ${message}`;
  const split = message.indexOf('; ');
  return split === -1
    ? `${path}: ${message} (line ${line})`
    : `${path}: ${message.slice(0, split)} (line ${line})${message.slice(split)}`;
}

/** Issues listed in an error; a file with thousands of bad entries is summed up by a count. */
export const MAX_LISTED_ISSUES = 20;

/** The targets file cannot be used; the poll fails with HTTP 500 and this message. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  readonly file: string;
  /** The first {@link MAX_LISTED_ISSUES}. */
  readonly issues: readonly ConfigIssue[];
  /** How many issues there are in all. */
  readonly count: number;

  /** `count`: how many issues there are, when `issues` is already cut to the first few. */
  constructor(file: string, issues: readonly ConfigIssue[], count = issues.length) {
    const listed = issues.slice(0, MAX_LISTED_ISSUES);
    const more = count - listed.length;
    super(
      `invalid targets file ${file}: ${listed.map(formatIssue).join('\n')}` +
        (more > 0 ? `\n…and ${more} more issue${more === 1 ? '' : 's'}` : ''),
    );
    this.file = file;
    this.issues = listed;
    this.count = count;
  }
}

/** `['targets', 2, 'kind']` → `targets[2].kind` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(root)' : out;
}
