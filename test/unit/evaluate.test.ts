import { describe, expect, it } from 'vitest';
import { decide, type Decision } from '../../functions/evaluate.ts';
import type { TargetStatus } from '../../functions/model.ts';

const stream = { name: 'orders-stream', kind: 'datastream' as const, allowedStates: ['RUNNING', 'STARTING'] };
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
    expect(first.transition).toMatchObject({ from: null, to: 'RUNNING', notify: false });

    const failed = step('FAILED', 5);
    expect(failed.transition).toMatchObject({
      from: 'RUNNING',
      to: 'FAILED',
      notify: true,
      unhealthySince: at(5),
    });

    const worse = step('FAILED_PERMANENTLY', 10);
    expect(worse.transition).toMatchObject({
      from: 'FAILED',
      to: 'FAILED_PERMANENTLY',
      notify: true,
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
      notify: true,
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
          };
    const { transition } = decide(stream, { state: observed, detail: '' }, stored, at(5));
    expect(transition !== undefined).toBe(recorded);
    expect(transition?.notify ?? false).toBe(sent);
  });

  it('treats a state that became allowed in the config as a recovery', () => {
    const stored: TargetStatus = {
      kind: 'datastream',
      state: 'PAUSED',
      healthy: false,
      since: at(0),
      detail: '',
      unhealthySince: at(0),
    };
    const { transition } = decide(
      { ...stream, allowedStates: ['RUNNING', 'PAUSED'] },
      { state: 'PAUSED', detail: '' },
      stored,
      at(5),
    );
    expect(transition).toMatchObject({ from: 'PAUSED', to: 'PAUSED', toHealthy: true, notify: true });
  });
});
