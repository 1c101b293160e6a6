/** What a check saw: a state name (`RUNNING`, `DEGRADED`, `UNREACHABLE`…) and the evidence for it. */
export interface Observation {
  state: string;
  detail: string;
}

/**
 * The longest detail kept: a few KB say what failed (kinds summarise long lists themselves), and
 * one target's answer can then never push a transition, an outbox entry or a message over its
 * limit (Firestore's 1 MiB document, Slack's 3,000-character section).
 */
export const MAX_DETAIL_CHARS = 4000;

/** A state name: what an API or a check reports, never free text. */
const STATE = /^[A-Za-z0-9_.:-]{1,100}$/;

/**
 * An observation as a check returned it, made safe to store and send: a state that is not a state
 * name (a number, an object, prose) is `INVALID_RESPONSE`, and the detail is cut to
 * {@link MAX_DETAIL_CHARS}.
 */
export function sanitizeObservation(observation: unknown): Observation {
  const { state, detail } = (observation ?? {}) as { state?: unknown; detail?: unknown };
  const text = typeof detail === 'string' ? detail : (json(detail) ?? '');
  if (typeof state !== 'string' || !STATE.test(state)) {
    const shown = json(typeof state === 'string' ? state.slice(0, 100) : state) ?? 'nothing';
    return {
      state: 'INVALID_RESPONSE',
      detail: capDetail(`the answer's state is not a state name: ${shown}${text ? `; ${text}` : ''}`),
    };
  }
  return { state, detail: capDetail(text) };
}

/** JSON.stringify says undefined for undefined (and functions), which its type hides. */
const json = (value: unknown) => JSON.stringify(value) as string | undefined;

/** Cuts a detail to {@link MAX_DETAIL_CHARS}, saying how much was left out. */
export function capDetail(detail: string): string {
  if (detail.length <= MAX_DETAIL_CHARS) return detail;
  return `${detail.slice(0, MAX_DETAIL_CHARS)}… (${detail.length - MAX_DETAIL_CHARS} more characters)`;
}
