import { Cron } from 'croner';
import { formatDuration } from '../config/duration.ts';
import type { TargetOf } from '../config/schema.ts';
import type { Observation } from '../model/observation.ts';
import type { Ping, PushRecord } from '../model/ping.ts';
import type { KindModule } from './kind.ts';

/**
 * A push target is observed from its stored pings and the clock: nothing goes over the network.
 * The rules, checked in this order:
 *
 * 1. Never pinged: NEW (waiting for the first ping; no alert).
 * 2. The latest ping is a failure: FAILED, until the next success.
 * 3. The latest ping is a start: STARTED, or DOWN once `maxRuntime` (else `grace`) has passed
 *    since it without a success or failure.
 * 4. Otherwise from the last success: the next run is due `every` later, or at the schedule's next
 *    time after it (in `timezone`, so DST moves it as it moves the job); past that it is LATE,
 *    past that plus `grace` it is DOWN.
 */
export function judgePush(target: TargetOf<'push'>, record: PushRecord | undefined, now: Date): Observation {
  const latest = record && latestPing(record);
  if (!record || !latest) return { state: 'NEW', detail: 'waiting for the first ping' };

  if (latest.kind === 'fail') {
    return { state: 'FAILED', detail: describe('the job reported a failure', latest) };
  }
  if (latest.kind === 'start') {
    const limit = target.maxRuntime ?? target.grace;
    const deadline = latest.at.getTime() + limit;
    if (now.getTime() > deadline) {
      return {
        state: 'DOWN',
        detail: `started ${ago(latest.at, now)} and did not finish within ${formatDuration(limit)}`,
      };
    }
    return { state: 'STARTED', detail: `running since ${latest.at.toISOString()}` };
  }

  const since = record.lastSuccess ?? latest.at;
  const due = nextDue(target, since);
  if (now <= due) return { state: 'UP', detail: describe(`last ping ${ago(since, now)}`, latest) };
  const late = `no ping since ${since.toISOString()}; was due ${due.toISOString()}`;
  if (now.getTime() <= due.getTime() + target.grace) return { state: 'LATE', detail: late };
  return { state: 'DOWN', detail: `${late}, grace of ${formatDuration(target.grace)} passed` };
}

/**
 * The newest ping. Usually the head of `recent`; but two pings arriving at once may land in one
 * slot and the newer one lose it, while its time is still in its `last*` field (written apart by
 * every ping). Then that time stands for it, so a lost `/fail` still reads as a failure.
 */
function latestPing(record: PushRecord): Ping | undefined {
  const head = record.recent[0];
  const marks: [Ping['kind'], Date | null][] = [
    ['success', record.lastSuccess],
    ['start', record.lastStart],
    ['fail', record.lastFailure],
  ];
  let newest: { kind: Ping['kind']; at: Date } | undefined;
  for (const [kind, at] of marks) if (at && (!newest || at > newest.at)) newest = { kind, at };
  if (!newest || (head && head.at >= newest.at)) return head;
  return { kind: newest.kind, at: newest.at, message: '', exitCode: null, value: null };
}

/** When the run after `since` was due. */
export function nextDue(target: TargetOf<'push'>, since: Date): Date {
  if (target.every !== undefined) return new Date(since.getTime() + target.every);
  const cron = new Cron(target.schedule ?? '', { timezone: target.timezone, paused: true });
  return cron.nextRun(since) ?? new Date(8.64e15);
}

/** `5m ago`; `just now` under a second (a ping judged as it arrives), not `0ms ago`. */
function ago(then: Date, now: Date): string {
  const ms = now.getTime() - then.getTime();
  return ms < 1000 ? 'just now' : `${formatDuration(ms)} ago`;
}

function describe(prefix: string, ping: Ping): string {
  const parts = [prefix];
  if (ping.exitCode !== null) parts.push(`exit code ${ping.exitCode}`);
  if (ping.value !== null) parts.push(`value ${ping.value}`);
  const head = parts.join(', ');
  return ping.message ? `${head}: ${ping.message}` : head;
}

/**
 * What one ping says on its own, at its own instant: a failure ping is FAILED whatever arrives
 * after it, so the alert it triggers cannot be lost to a ping that lands a moment later.
 */
export function judgePing(target: TargetOf<'push'>, ping: Ping): Observation {
  const record: PushRecord = {
    lastSuccess: ping.kind === 'success' ? ping.at : null,
    lastStart: ping.kind === 'start' ? ping.at : null,
    lastFailure: ping.kind === 'fail' ? ping.at : null,
    recent: [ping],
  };
  return judgePush(target, record, ping.at);
}

/**
 * Nothing to fetch: the pings of every push target are read from the store once per poll (one
 * batched read, trimmed back to the newest few on real polls), then the clock decides.
 */
export const push: KindModule<'push', ReadonlyMap<string, PushRecord>> = {
  states: ['NEW', 'UP', 'STARTED', 'LATE', 'DOWN', 'FAILED'],
  prepare: (targets, { store, tidy }) =>
    store.pushRecords(
      targets.map((t) => t.name),
      { trim: tidy },
    ),
  check: (target, { now }, records) => Promise.resolve(judgePush(target, records.get(target.name), now)),
};
