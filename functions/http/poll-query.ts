import type { PollOptions } from '../app/poll.ts';
import { duration } from '../config/duration-schema.ts';

/** A query parameter the poll does not accept; the handler answers 400 with this message. */
export class QueryError extends Error {
  override readonly name = 'QueryError';
}

/** Every parameter a poll takes; any other is refused, so `?dryrun=true` cannot run a real poll. */
const PARAMETERS = new Set(['dryRun', 'target', 'silence', 'for', 'unsilence', 'testNotification']);

const TRUE = new Set(['true', '1', 'yes', '']);
const FALSE = new Set(['false', '0', 'no']);

/** `?dryRun=true`, `?target=NAME` (repeatable), `?silence=NAME&for=2h`, `?unsilence=NAME`. */
export function readPollQuery(query: Record<string, unknown>): PollOptions {
  const unknown = Object.keys(query).filter((name) => !PARAMETERS.has(name));
  if (unknown.length > 0) {
    const names = unknown.slice(0, 5).map((name) => JSON.stringify(name.slice(0, 50)));
    throw new QueryError(
      `unknown query parameter${unknown.length === 1 ? '' : 's'} ${names.join(', ')}; expected ${[...PARAMETERS].join(', ')}`,
    );
  }
  const dryRun = query['dryRun'];
  if (dryRun !== undefined && (typeof dryRun !== 'string' || !(TRUE.has(dryRun) || FALSE.has(dryRun)))) {
    throw new QueryError('dryRun must be true or false');
  }
  const target = query['target'];
  const only = target === undefined ? [] : Array.isArray(target) ? target : [target];
  if (!only.every((t): t is string => typeof t === 'string' && t !== '')) {
    throw new QueryError('target must be a target name');
  }
  const options: PollOptions = { dryRun: typeof dryRun === 'string' && TRUE.has(dryRun), only };
  const silence = single(query, 'silence');
  const unsilence = single(query, 'unsilence');
  if ((silence ?? unsilence) !== undefined && options.dryRun) {
    throw new QueryError('silence and unsilence change state: they cannot be combined with dryRun');
  }
  if (silence !== undefined) {
    const length = duration.safeParse(single(query, 'for') ?? '');
    if (!length.success) {
      throw new QueryError('silence needs for=<duration>, e.g. ?silence=orders-stream&for=2h');
    }
    options.silence = { target: silence, forMs: length.data };
  }
  if (unsilence !== undefined) options.unsilence = unsilence;
  const test = single(query, 'testNotification');
  if (test !== undefined) {
    if (Object.keys(query).length > 1) {
      throw new QueryError('testNotification sends a test message and nothing else: give it alone');
    }
    options.testNotification = test;
  }
  return options;
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '')
    throw new QueryError(`${name} must be given once, with a value`);
  return value;
}
