import type { HttpFunction } from '@google-cloud/functions-framework';
import { duration } from './config/duration.ts';
import { ConfigError } from './config/errors.ts';
import {
  poll,
  UnknownTargetError,
  type PollDependencies,
  type PollOptions,
  type PollReport,
} from './poll.ts';

/**
 * The HTTP face of a poll (DESIGN.md, "HTTP contract"): any method; `?dryRun=true`; `?target=NAME`
 * repeatable. 200 when the poll did its job, whatever the targets' health; 500 when it could not
 * (bad config, store down, a message still pending), so Cloud Scheduler retries and it shows.
 */
export function createPollHandler(deps: PollDependencies): HttpFunction {
  return async (req, res) => {
    const started = deps.clock();
    let options: PollOptions;
    try {
      options = readOptions(req.query);
    } catch (error) {
      res.status(400).json(failure(started, deps.clock(), (error as Error).message));
      return;
    }
    try {
      const report = await poll(deps, options);
      res.status(report.ok ? 200 : 500).json(report);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const status = error instanceof UnknownTargetError ? 400 : 500;
      deps.log('ERROR', `poll failed: ${message}`, {
        pollSummary: true,
        error: message,
        errorType: error instanceof Error ? error.name : typeof error,
        ...(error instanceof ConfigError ? { issues: error.issues } : {}),
      });
      res.status(status).json(failure(started, deps.clock(), message));
    }
  };
}

function failure(started: Date, now: Date, error: string): PollReport {
  return {
    ok: false,
    startedAt: started.toISOString(),
    durationMs: now.getTime() - started.getTime(),
    targets: [],
    notifications: { sent: 0, pending: 0 },
    error,
  };
}

const TRUE = new Set(['true', '1', 'yes', '']);
const FALSE = new Set(['false', '0', 'no']);

function readOptions(query: Record<string, unknown>): PollOptions {
  const dryRun = query['dryRun'];
  if (dryRun !== undefined && (typeof dryRun !== 'string' || !(TRUE.has(dryRun) || FALSE.has(dryRun)))) {
    throw new Error('dryRun must be true or false');
  }
  const target = query['target'];
  const only = target === undefined ? [] : Array.isArray(target) ? target : [target];
  if (!only.every((t): t is string => typeof t === 'string' && t !== '')) {
    throw new Error('target must be a target name');
  }
  const options: PollOptions = { dryRun: typeof dryRun === 'string' && TRUE.has(dryRun), only };
  const silence = single(query, 'silence');
  const unsilence = single(query, 'unsilence');
  if ((silence ?? unsilence) !== undefined && options.dryRun) {
    throw new Error('silence and unsilence change state: they cannot be combined with dryRun');
  }
  if (silence !== undefined) {
    const length = duration.safeParse(single(query, 'for') ?? '');
    if (!length.success) throw new Error('silence needs for=<duration>, e.g. ?silence=orders-stream&for=2h');
    options.silence = { target: silence, forMs: length.data };
  }
  if (unsilence !== undefined) options.unsilence = unsilence;
  return options;
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') throw new Error(`${name} must be given once, with a value`);
  return value;
}
