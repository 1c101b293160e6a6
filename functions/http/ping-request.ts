import { createHash, timingSafeEqual } from 'node:crypto';
import type { PingKind } from '../model/ping.ts';

/** A ping as the URL says it: `/<key>/<target>[/start|/fail|/<exit code>]`, plus Tianji's query. */
export interface PingRequest {
  key: string;
  target: string;
  kind: PingKind;
  exitCode: number | null;
  value: number | null;
  /** From `?msg=` (a body, when there is one, takes precedence). */
  msg: string;
}

/** The body and message kept with a ping: enough for "backup failed: disk full" and a log tail. */
export const MAX_PING_MESSAGE_BYTES = 10 * 1024;

/**
 * The largest body a ping may send; a larger one is refused (413) before it is read. The exec
 * wrapper sends a 10 KB output tail, so this leaves room for any client's framing, and a request
 * of this size costs an instance nothing worth measuring.
 */
export const MAX_PING_BODY_BYTES = 100 * 1024;

/**
 * Reads the path and query of a ping. Healthchecks-style suffixes (`/start`, `/fail`, `/<exit
 * code>`) and Tianji-style `?status=up|down&msg=…&value=…` both work. Null: not a ping URL,
 * including a path that does not decode. Never throws: an exception here would carry the path,
 * and so the key, into a stack trace on stderr.
 */
export function parsePing(path: string, query: Record<string, unknown>): PingRequest | null {
  const [key, target, suffix, ...rest] = pathSegments(path) ?? [];
  if (!key || !target || rest.length > 0) return null;

  let kind: PingKind = 'success';
  let exitCode: number | null = null;
  if (suffix === 'start') kind = 'start';
  else if (suffix === 'fail') kind = 'fail';
  else if (suffix !== undefined) {
    if (!/^\d{1,3}$/.test(suffix)) return null;
    exitCode = Number(suffix);
    kind = exitCode === 0 ? 'success' : 'fail';
  }
  const status = first(query['status']);
  if (status === 'down') kind = 'fail';
  else if (status !== undefined && status !== 'up') return null;

  const value = Number(first(query['value']));
  return {
    key,
    target,
    kind,
    exitCode,
    value: first(query['value']) !== undefined && Number.isFinite(value) ? value : null,
    msg: capMessage(first(query['msg']) ?? ''),
  };
}

/**
 * The non-empty segments of a path, percent-decoded; null when one does not decode (a stray `%`,
 * an escape that is not UTF-8), where `decodeURIComponent` would throw.
 */
export function pathSegments(path: string): string[] | null {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '') continue;
    try {
      segments.push(decodeURIComponent(segment));
    } catch (error) {
      if (error instanceof URIError) return null;
      throw error;
    }
  }
  return segments;
}

function first(value: unknown): string | undefined {
  const one = Array.isArray(value) ? (value[0] as unknown) : value;
  return typeof one === 'string' ? one : undefined;
}

/** Cuts text to {@link MAX_PING_MESSAGE_BYTES} of UTF-8 without splitting a character. */
export function capMessage(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= MAX_PING_MESSAGE_BYTES) return text;
  // TextDecoder drops a trailing partial character instead of producing a replacement.
  return new TextDecoder('utf-8', { fatal: false })
    .decode(bytes.subarray(0, MAX_PING_MESSAGE_BYTES))
    .replace(/\uFFFD$/, '');
}

/**
 * Compares a key in constant time: hashing first gives both sides the same length, so neither the
 * comparison nor a length check tells an attacker how much of a guess was right.
 */
export function sameKey(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
