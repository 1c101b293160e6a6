import { describe, expect, it } from 'vitest';
import { MAX_DETAIL_CHARS, sanitizeObservation } from '../../functions/model/observation.ts';

describe('an observation as a check returned it', () => {
  it.each([
    [{ state: 42, detail: 'x' }, 'INVALID_RESPONSE', "the answer's state is not a state name: 42; x"],
    [{ state: { a: 1 }, detail: '' }, 'INVALID_RESPONSE', 'the answer\'s state is not a state name: {"a":1}'],
    [
      { state: 'all good, really', detail: '' },
      'INVALID_RESPONSE',
      'the answer\'s state is not a state name: "all good, really"',
    ],
    [{ state: '', detail: '' }, 'INVALID_RESPONSE', 'the answer\'s state is not a state name: ""'],
    [null, 'INVALID_RESPONSE', "the answer's state is not a state name: nothing"],
    [{ state: 'HTTP_503', detail: 'Service Unavailable' }, 'HTTP_503', 'Service Unavailable'],
  ])('turns %j into state %s', (observation, state, detail) => {
    expect(sanitizeObservation(observation)).toEqual({ state, detail });
  });

  it('cuts a detail to a few KB, saying how much was left out', () => {
    const { detail } = sanitizeObservation({ state: 'DEGRADED', detail: 'x'.repeat(1_100_000) });
    expect(detail).toBe(`${'x'.repeat(MAX_DETAIL_CHARS)}… (${1_100_000 - MAX_DETAIL_CHARS} more characters)`);
  });
});
