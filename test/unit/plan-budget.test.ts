import { describe, expect, it } from 'vitest';
import { planChanges } from '../../functions/alerting/plan.ts';
import type { Target } from '../../functions/config/schema.ts';

const target = (name: string) =>
  ({
    name,
    kind: 'cluster-heartbeat',
    url: 'https://x.example/heartbeat',
    allowedStates: ['HEALTHY'],
    failureThreshold: { count: 1 },
    successThreshold: { count: 1 },
    remindEvery: null,
    mention: ['<!subteam^S0123ABCD>'],
    route: 'default',
    maintenance: [],
    dependsOn: [],
    timeout: 10_000,
  }) as unknown as Target;

describe('a poll in which ten thousand targets fail at once', () => {
  it('makes bounded messages that fit, together, in one Firestore commit', () => {
    const observed = Array.from({ length: 10_000 }, (_, i) => ({
      target: target(`t${i}`),
      observation: { state: 'UNREACHABLE', detail: `connection refused; ${'x'.repeat(1_000)}` },
    }));
    const { changes } = planChanges(observed, new Map(), new Date(), {
      silenced: () => false,
      consoleUrl: () => null,
    });
    expect(changes.messages).toHaveLength(100);
    expect(changes.messages.every((m) => m.notices.length === 100)).toBe(true);
    // Far below the 10 MiB of a commit, with the board's entries beside them.
    expect(Buffer.byteLength(JSON.stringify(changes.messages))).toBeLessThan(5 * 1024 * 1024);
    // Every detail is still whole in its transition.
    expect(changes.transitions[0]?.detail).toHaveLength(1_020);
  });
});
