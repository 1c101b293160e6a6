import { describe, expect, it } from 'vitest';
import { judgePush, nextDue } from '../../functions/checks/push.ts';
import { parseConfig } from '../../functions/config/parse.ts';
import type { TargetOf } from '../../functions/config/schema.ts';
import type { Ping, PingKind, PushRecord } from '../../functions/model/ping.ts';
import { summarizePings } from '../../functions/store/push-records.ts';

function target(yaml: string): TargetOf<'push'> {
  const { targets } = parseConfig(`targets:\n  - name: job\n    kind: push\n${yaml}`, 'targets.yaml');
  return targets[0] as TargetOf<'push'>;
}

const ping = (kind: PingKind, at: string, message = ''): Ping => ({
  kind,
  at: new Date(at),
  message,
  exitCode: null,
  value: null,
});

function record(...pings: Ping[]): PushRecord {
  return summarizePings({ lastSuccess: null, lastStart: null, lastFailure: null }, pings);
}

const state = (t: TargetOf<'push'>, r: PushRecord | undefined, now: string) =>
  judgePush(t, r, new Date(now)).state;

describe('push lateness, with a frozen clock', () => {
  const daily = target('    every: 1d\n    grace: 12h\n');

  it('is NEW until the first ping', () => {
    expect(judgePush(daily, undefined, new Date('2026-11-21T00:00:00Z'))).toEqual({
      state: 'NEW',
      detail: 'waiting for the first ping',
    });
  });

  it.each([
    ['just after the ping', '2026-11-21T02:00:00Z', 'UP'],
    ['exactly one period later', '2026-11-22T01:00:00Z', 'UP'],
    ['past the period, inside the grace', '2026-11-22T12:59:59Z', 'LATE'],
    ['at the end of the grace', '2026-11-22T13:00:00Z', 'LATE'],
    ['past period plus grace', '2026-11-22T13:00:01Z', 'DOWN'],
  ])('with every: 1d and grace: 12h, is %s: %s', (_, now, expected) => {
    expect(state(daily, record(ping('success', '2026-11-21T01:00:00Z')), now)).toBe(expected);
  });

  it('says since when and how late in the detail of DOWN', () => {
    expect(
      judgePush(daily, record(ping('success', '2026-11-21T01:00:00Z')), new Date('2026-11-23T00:00:00Z')),
    ).toEqual({
      state: 'DOWN',
      detail: 'no ping since 2026-11-21T01:00:00.000Z; was due 2026-11-22T01:00:00.000Z, grace of 12h passed',
    });
  });

  it('is FAILED when the failure ping lost its slot to an older success but left its time', () => {
    // Two pings at once, one slot: the older success was written last; lastFailure is newer.
    const stored = {
      ...record(ping('success', '2026-11-21T03:00:00Z')),
      lastFailure: new Date('2026-11-21T03:00:01Z'),
    };
    expect(state(daily, stored, '2026-11-21T03:00:02Z')).toBe('FAILED');
  });

  it('is FAILED after a failure ping, with the job’s message, until the next success', () => {
    const failed = record(ping('success', '2026-11-21T01:00:00Z'), {
      ...ping('fail', '2026-11-21T02:00:00Z', 'disk full'),
      exitCode: 2,
    });
    expect(judgePush(daily, failed, new Date('2026-11-21T02:01:00Z'))).toEqual({
      state: 'FAILED',
      detail: 'the job reported a failure, exit code 2: disk full',
    });
    const recovered = record(...failed.recent, ping('success', '2026-11-21T03:00:00Z'));
    expect(state(daily, recovered, '2026-11-21T03:00:01Z')).toBe('UP');
  });

  describe('a started run', () => {
    const bounded = target('    every: 1h\n    grace: 10m\n    maxRuntime: 30m\n');
    const started = record(ping('success', '2026-11-21T00:00:00Z'), ping('start', '2026-11-21T01:00:00Z'));

    it.each([
      ['2026-11-21T01:29:59Z', 'STARTED'],
      ['2026-11-21T01:30:01Z', 'DOWN'],
    ])('with maxRuntime: 30m is, at %s, %s', (now, expected) => {
      expect(state(bounded, started, now)).toBe(expected);
    });

    it('without maxRuntime may run for the grace', () => {
      const graceOnly = target('    every: 1h\n    grace: 10m\n');
      expect(state(graceOnly, started, '2026-11-21T01:09:00Z')).toBe('STARTED');
      expect(judgePush(graceOnly, started, new Date('2026-11-21T01:11:00Z')).detail).toBe(
        'started 11m ago and did not finish within 10m',
      );
    });

    it('is back to UP when it finishes', () => {
      const finished = record(...started.recent, ping('success', '2026-11-21T01:20:00Z'));
      expect(state(bounded, finished, '2026-11-21T01:40:00Z')).toBe('UP');
    });
  });

  describe('with a cron schedule', () => {
    const hourly = target('    schedule: "5 * * * *"\n    timezone: Asia/Tokyo\n    grace: 10m\n');

    it('expects the next scheduled run after the last ping', () => {
      expect(nextDue(hourly, new Date('2026-11-21T00:06:00Z')).toISOString()).toBe(
        '2026-11-21T01:05:00.000Z',
      );
      expect(state(hourly, record(ping('success', '2026-11-21T00:06:00Z')), '2026-11-21T01:10:00Z')).toBe(
        'LATE',
      );
      expect(state(hourly, record(ping('success', '2026-11-21T00:06:00Z')), '2026-11-21T01:15:01Z')).toBe(
        'DOWN',
      );
    });

    // New York springs forward at 02:00 on 2026-03-08: there is no 02:30 that day, and 02:30 local
    // is 07:30 UTC before the change but 06:30 UTC after it.
    const nightly = target('    schedule: "30 2 * * *"\n    timezone: America/New_York\n    grace: 30m\n');

    it.each([
      ['the day before the change', '2026-03-07T07:31:00Z', '2026-03-08T07:00:00.000Z'],
      [
        'the day of the change (02:30 does not exist: 03:00 local)',
        '2026-03-08T07:01:00Z',
        '2026-03-09T06:30:00.000Z',
      ],
    ])('follows DST: after a ping %s the next run is due %s', (_, last, due) => {
      expect(nextDue(nightly, new Date(last)).toISOString()).toBe(due);
    });

    it('is not DOWN at 07:00 UTC after the change, when the job ran at 06:30 UTC', () => {
      const ranInSummerTime = record(ping('success', '2026-03-09T06:31:00Z'));
      expect(state(nightly, ranInSummerTime, '2026-03-09T07:00:00Z')).toBe('UP');
    });
  });

  it.each([
    [
      'neither every nor schedule',
      '    grace: 1h\n',
      'targets[0].every: give exactly one of every and schedule',
    ],
    [
      'both',
      '    every: 1h\n    schedule: "5 * * * *"\n',
      'targets[0].every: give exactly one of every and schedule',
    ],
    ['a six-field cron', '    schedule: "0 5 * * * *"\n', 'must be a cron expression with five fields'],
    [
      'an unknown time zone',
      '    schedule: "5 * * * *"\n    timezone: Mars/Base\n',
      'is not an IANA time zone',
    ],
  ])('rejects %s', (_, yaml, message) => {
    expect(() => target(yaml)).toThrow(message);
  });
});
