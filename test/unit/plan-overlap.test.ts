import { describe, expect, it } from 'vitest';
import { planChanges } from '../../functions/alerting/plan.ts';
import type { Target } from '../../functions/config/schema.ts';
import type { TargetStatus } from '../../functions/model/target-status.ts';

const target = {
  name: 'orders-stream',
  kind: 'datastream',
  stream: 'projects/p/locations/l/streams/s',
  objects: false,
  allowedStates: ['RUNNING'],
  failureThreshold: { count: 1 },
  successThreshold: { count: 1 },
  remindEvery: 60_000,
  mention: [],
  route: 'default',
  maintenance: [],
  dependsOn: [],
  timeout: 10_000,
} as unknown as Target;
const at = (minute: number) => new Date(Date.UTC(2026, 10, 22, 9, minute));
const failedAt = (minute: number): TargetStatus => ({
  kind: 'datastream',
  state: 'FAILED',
  healthy: false,
  since: at(minute),
  detail: 'broken',
  unhealthySince: at(minute),
  streak: null,
});
const options = { silenced: () => false, consoleUrl: () => null };

describe('a poll that overlaps another', () => {
  it('drops its view of a target that the other recorded a change of after it looked', () => {
    // This poll looked at minute 1 and saw RUNNING; another looked later, saw FAILED and committed.
    const { decisions, changes } = planChanges(
      [{ target, observation: { state: 'RUNNING', detail: 'fine' } }],
      new Map([['orders-stream', failedAt(2)]]),
      at(3),
      { ...options, observedAt: at(1) },
    );
    expect(decisions[0]).toEqual({ status: failedAt(2), write: false });
    expect(changes).toEqual({ statuses: new Map(), transitions: [], messages: [] });
  });

  it('does not remind again of what the other just reminded of', () => {
    const reminded = { ...failedAt(0), remindedAt: at(5) };
    const { changes } = planChanges(
      [{ target, observation: { state: 'FAILED', detail: 'broken' } }],
      new Map([['orders-stream', reminded]]),
      at(6),
      { ...options, observedAt: at(4) },
    );
    expect(changes.messages).toEqual([]);
  });

  it('decides as usual on what was recorded before it looked', () => {
    const { changes } = planChanges(
      [{ target, observation: { state: 'RUNNING', detail: 'fine' } }],
      new Map([['orders-stream', failedAt(2)]]),
      at(4),
      { ...options, observedAt: at(3) },
    );
    expect(changes.transitions.map((t) => [t.from, t.to])).toEqual([['FAILED', 'RUNNING']]);
  });
});
