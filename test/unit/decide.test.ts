import { describe, expect, it } from 'vitest';
import { decide, type Decision } from '../../functions/alerting/decide.ts';
import { applyHold } from '../../functions/alerting/hold.ts';
import type { TargetStatus } from '../../functions/model/target-status.ts';

const stream = {
  name: 'orders-stream',
  kind: 'datastream' as const,
  allowedStates: ['RUNNING', 'STARTING'],
  failureThreshold: { count: 1 },
  successThreshold: { count: 1 },
  remindEvery: null,
};
const at = (minute: number) => new Date(Date.UTC(2026, 10, 21, 9, minute));

describe('the change rules', () => {
  it('walk a target through healthy → failing → failing differently → failing → recovered', () => {
    let stored: TargetStatus | undefined;
    const step = (state: string, minute: number): Decision => {
      const decision = decide(stream, { state, detail: `saw ${state}` }, stored, at(minute));
      stored = decision.status;
      return decision;
    };

    const first = step('RUNNING', 0);
    expect(first.transition).toMatchObject({ from: null, to: 'RUNNING', message: 'none' });

    const failed = step('FAILED', 5);
    expect(failed.transition).toMatchObject({
      from: 'RUNNING',
      to: 'FAILED',
      message: 'send',
      unhealthySince: at(5),
    });

    const worse = step('FAILED_PERMANENTLY', 10);
    expect(worse.transition).toMatchObject({
      from: 'FAILED',
      to: 'FAILED_PERMANENTLY',
      message: 'send',
      unhealthySince: at(5),
    });

    const same = step('FAILED_PERMANENTLY', 15);
    expect(same.transition).toBeUndefined();
    expect(same.status.since).toEqual(at(10));

    const recovered = step('RUNNING', 20);
    expect(recovered.transition).toMatchObject({
      from: 'FAILED_PERMANENTLY',
      to: 'RUNNING',
      toHealthy: true,
      message: 'send',
      unhealthySince: at(5),
    });
    expect(recovered.status.unhealthySince).toBeNull();
  });

  it.each([
    // previous, observed, recorded, sent
    [undefined, 'RUNNING', true, false],
    [undefined, 'FAILED', true, true],
    ['RUNNING', 'RUNNING', false, false],
    ['STARTING', 'RUNNING', true, false],
    ['RUNNING', 'PAUSED', true, true],
    ['PAUSED', 'FAILED', true, true],
    ['FAILED', 'FAILED', false, false],
    ['FAILED', 'STARTING', true, true],
  ])('from %s, observing %s: recorded %s, sent %s', (previous, observed, recorded, sent) => {
    const stored: TargetStatus | undefined =
      previous === undefined
        ? undefined
        : {
            kind: 'datastream',
            state: previous,
            healthy: stream.allowedStates.includes(previous),
            since: at(0),
            detail: '',
            unhealthySince: stream.allowedStates.includes(previous) ? null : at(0),
            streak: null,
          };
    const { transition } = decide(stream, { state: observed, detail: '' }, stored, at(5));
    expect(transition !== undefined).toBe(recorded);
    expect(transition?.message === 'send').toBe(sent);
  });

  it('treats a state that became allowed in the config as a recovery', () => {
    const stored: TargetStatus = {
      kind: 'datastream',
      state: 'PAUSED',
      healthy: false,
      since: at(0),
      detail: '',
      unhealthySince: at(0),
      streak: null,
    };
    const { transition } = decide(
      { ...stream, allowedStates: ['RUNNING', 'PAUSED'] },
      { state: 'PAUSED', detail: '' },
      stored,
      at(5),
    );
    expect(transition).toMatchObject({ from: 'PAUSED', to: 'PAUSED', toHealthy: true, message: 'send' });
  });
});

describe('flap protection (failureThreshold, successThreshold)', () => {
  const guarded = { ...stream, failureThreshold: { count: 3 }, successThreshold: { count: 2 } };

  function walk(states: string[], target = guarded, start?: TargetStatus) {
    let stored = start;
    return states.map((state, minute) => {
      const decision = decide(target, { state, detail: `saw ${state}` }, stored, at(minute));
      stored = decision.status;
      return decision;
    });
  }

  it('alerts once, at the threshold: fail, ok, fail, fail, fail → one alert on the last', () => {
    const decisions = walk(['RUNNING', 'FAILED', 'RUNNING', 'FAILED', 'FAILED', 'FAILED', 'FAILED']);
    expect(decisions.map((d) => d.transition?.to ?? null)).toEqual([
      'RUNNING',
      null,
      null,
      null,
      null,
      'FAILED',
      null,
    ]);
    expect(decisions.map((d) => d.status.streak?.count ?? 0)).toEqual([0, 1, 0, 1, 2, 0, 0]);
    expect(decisions[5]?.transition).toMatchObject({
      from: 'RUNNING',
      message: 'send',
      unhealthySince: at(3),
    });
  });

  it('writes while counting and when a streak breaks, and not otherwise', () => {
    const decisions = walk(['RUNNING', 'RUNNING', 'FAILED', 'RUNNING', 'RUNNING']);
    expect(decisions.map((d) => d.write)).toEqual([true, false, true, true, false]);
  });

  it('counts different unhealthy states as one streak, and alerts with the latest', () => {
    const decisions = walk(['RUNNING', 'FAILED', 'PAUSED', 'NOT_FOUND']);
    expect(decisions[3]?.transition).toMatchObject({ from: 'RUNNING', to: 'NOT_FOUND' });
  });

  it('recovers after successThreshold healthy polls, counting the spell from its first failure', () => {
    const decisions = walk([
      'RUNNING',
      'FAILED',
      'FAILED',
      'FAILED',
      'RUNNING',
      'FAILED',
      'RUNNING',
      'RUNNING',
    ]);
    expect(decisions.map((d) => d.transition?.to ?? null)).toEqual([
      'RUNNING',
      null,
      null,
      'FAILED',
      null,
      null,
      null,
      'RUNNING',
    ]);
    expect(decisions[7]?.transition).toMatchObject({
      from: 'FAILED',
      message: 'send',
      unhealthySince: at(1),
    });
  });

  it('treats a target never confirmed as healthy: its first failures are counted, then alerted as first seen', () => {
    const decisions = walk(['FAILED', 'FAILED', 'FAILED']);
    expect(decisions[0]?.status.state).toBeNull();
    expect(decisions.map((d) => d.transition?.to ?? null)).toEqual([null, null, 'FAILED']);
    expect(decisions[2]?.transition).toMatchObject({ from: null, fromHealthy: null, message: 'send' });
  });

  it('changes between unhealthy states at once: the health did not change', () => {
    const decisions = walk(['RUNNING', 'FAILED', 'FAILED', 'FAILED', 'NOT_FOUND']);
    expect(decisions[4]?.transition).toMatchObject({ from: 'FAILED', to: 'NOT_FOUND', message: 'send' });
  });
});

describe('reminders (remindEvery)', () => {
  const reminding = { ...stream, remindEvery: 2 * 60 * 60_000 };
  const hour = (h: number, m = 0) => new Date(Date.UTC(2026, 10, 21, h, m));

  it('remind at the interval while still unhealthy, and never after recovery', () => {
    let stored: TargetStatus | undefined;
    const step = (state: string, when: Date) => {
      const decision = decide(reminding, { state, detail: `saw ${state}` }, stored, when);
      stored = decision.status;
      return decision.transition
        ? decision.transition.cause === 'reminder'
          ? 'reminder'
          : decision.transition.to
        : null;
    };
    expect([
      step('RUNNING', hour(0)),
      step('FAILED', hour(1)),
      step('FAILED', hour(2)),
      step('FAILED', hour(2, 59)),
      step('FAILED', hour(3)),
      step('FAILED', hour(4)),
      step('FAILED', hour(5)),
      step('RUNNING', hour(6)),
      step('RUNNING', hour(9)),
    ]).toEqual(['RUNNING', 'FAILED', null, null, 'reminder', null, 'reminder', 'RUNNING', null]);
  });

  it('count the interval from the last message, so a change of unhealthy state restarts it', () => {
    let stored: TargetStatus | undefined;
    const step = (state: string, when: Date) => {
      const decision = decide(reminding, { state, detail: '' }, stored, when);
      stored = decision.status;
      return decision.transition?.cause === 'reminder';
    };
    step('FAILED', hour(0));
    step('NOT_FOUND', hour(1, 30));
    expect(step('NOT_FOUND', hour(2, 30))).toBe(false);
    expect(step('NOT_FOUND', hour(3, 30))).toBe(true);
  });
});

describe('holds (silences, maintenance windows, dependencies)', () => {
  function walk(steps: [string, boolean][]) {
    let stored: TargetStatus | undefined;
    return steps.map(([state, held], minute) => {
      const decision = applyHold(
        stream,
        decide(stream, { state, detail: '' }, stored, at(minute)),
        held ? 'silence' : null,
        at(minute),
      );
      stored = decision.status;
      const t = decision.transition;
      return t ? `${t.to} ${t.cause} ${t.message}` : null;
    });
  }

  it('swallow a flap: nothing is sent for a failure that recovers inside the hold', () => {
    expect(
      walk([
        ['RUNNING', false],
        ['FAILED', true],
        ['RUNNING', true],
        ['RUNNING', false],
      ]),
    ).toEqual(['RUNNING change none', 'FAILED change held', 'RUNNING change held', null]);
  });

  it('send one alert when the hold ends with the target still unhealthy', () => {
    expect(
      walk([
        ['RUNNING', false],
        ['FAILED', true],
        ['FAILED', true],
        ['FAILED', false],
        ['FAILED', false],
      ]),
    ).toEqual(['RUNNING change none', 'FAILED change held', null, 'FAILED hold-ended send', null]);
  });

  it('let a change after the hold speak for itself, without the held-back alert on top', () => {
    expect(
      walk([
        ['RUNNING', false],
        ['FAILED', true],
        ['NOT_FOUND', false],
        ['NOT_FOUND', false],
      ]),
    ).toEqual(['RUNNING change none', 'FAILED change held', 'NOT_FOUND change send', null]);
  });
});

describe('flap protection by duration (failureThreshold: 10m)', () => {
  const patient = { ...stream, failureThreshold: { forMs: 10 * 60_000 } };

  it('alerts once the target has been unhealthy for that long, however many polls that took', () => {
    let stored: TargetStatus | undefined;
    const step = (state: string, minute: number) => {
      const decision = decide(patient, { state, detail: '' }, stored, at(minute));
      stored = decision.status;
      return decision.transition?.to ?? null;
    };
    expect([
      step('RUNNING', 0),
      step('FAILED', 1),
      step('FAILED', 5),
      step('FAILED', 10),
      step('FAILED', 11),
    ]).toEqual(['RUNNING', null, null, null, 'FAILED']);
  });
});

describe('planning a poll', () => {
  it('makes a target whose stored state cannot be judged INVALID_RESPONSE, and judges every other', async () => {
    const { planChanges } = await import('../../functions/alerting/plan.ts');
    const reminding = { ...stream, remindEvery: 60_000, route: 'default', dependsOn: [], mention: [] };
    const target = (name: string) =>
      ({ ...reminding, name }) as unknown as import('../../functions/config/schema.ts').Target;
    // A stored entry without `since`, as a hand edit or an old bug could leave it.
    const corrupt = {
      kind: 'datastream',
      state: 'FAILED',
      healthy: false,
      detail: '',
      unhealthySince: null,
      streak: null,
    } as unknown as TargetStatus;
    const { decisions, changes } = planChanges(
      [
        { target: target('broken'), observation: { state: 'FAILED', detail: 'still failed' } },
        { target: target('fine'), observation: { state: 'FAILED', detail: 'newly failed' } },
      ],
      new Map([['broken', corrupt]]),
      at(0),
      { silenced: () => false, consoleUrl: () => null },
    );
    expect(decisions.map((d) => d.status.state)).toEqual(['INVALID_RESPONSE', 'FAILED']);
    expect(decisions[0]?.transition?.detail).toMatch(/^judging this target failed: .*; still failed$/);
    expect(changes.messages.flatMap((m) => m.notices.map((n) => n.target))).toEqual(['broken', 'fine']);
  });
});
