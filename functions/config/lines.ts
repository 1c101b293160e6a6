import { createRequire } from 'node:module';
import type { Document, LineCounter } from 'yaml';

/**
 * yaml, loaded on first use, synchronously (`lineOf` is called where an issue is found, deep in
 * synchronous code). A compiled config never needs it unless an issue is found: a cold start does
 * not pay for a YAML parser to have a line ready for a rare error. One instance for every caller.
 */
let loaded: typeof import('yaml') | undefined;
export const yaml = () => (loaded ??= createRequire(import.meta.url)('yaml') as typeof import('yaml'));

/** The line of a path such as `['targets', 2, 'headers', 'Authorization']` in `text`, found on first use. */
export function lazyLines(text: string): (path: readonly PropertyKey[]) => number | undefined {
  let lineOf: ((path: readonly PropertyKey[]) => number | undefined) | undefined;
  return (path) => {
    if (!lineOf) {
      const { LineCounter, parseDocument } = yaml();
      const lines = new LineCounter();
      const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
      lineOf = (at) => lineIn(doc, lines, at);
    }
    return lineOf(path);
  };
}

/** The line of `path` in a parsed document, or of its nearest ancestor that the file has. */
export function lineIn(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  const { isNode } = yaml();
  // A missing key has no node of its own: walk up to the nearest ancestor that exists.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}
