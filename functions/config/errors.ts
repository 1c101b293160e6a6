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

/** The targets file cannot be used; the poll fails with HTTP 500 and this message. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[]) {
    super(`invalid targets file ${file}: ${issues.map(formatIssue).join('\n')}`);
    this.file = file;
    this.issues = issues;
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
