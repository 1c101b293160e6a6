import { z } from 'zod';
import type { Observation } from '../model/observation.ts';
import { googleAnswer, googleApiFailure } from './google-api-error.ts';
import { said } from './google-resource.ts';
import type { KindModule } from './kind.ts';

/** Fields in which Google resources explain their state, read when present. */
const MESSAGE_FIELDS = ['statusMessage', 'stateMessage', 'message', 'stateReason', 'reconciling'];

/**
 * Any Google resource a REST GET can read, for the ones no preset covers: its `url` on
 * `https://<service>.googleapis.com`, the state at `stateField` (a dotted path) of the answer.
 * `<SERVICE>_API_URL` and the failure states work as for every Google kind.
 */
export const gcpResource: KindModule<'gcp-resource'> = {
  async check(target, { signal, google }) {
    const url = new URL(target.url);
    const service = url.hostname.replace(/\.googleapis\.com$/, '');
    const name = url.pathname.replace(/^\/+/, '');
    const resource = { name, api: `the ${service} API`, viewerRole: `a ${service} viewer role` };
    try {
      const data = await google.get(service, `${name}${url.search}`, { signal, timeout: target.timeout });
      const read = googleAnswer(data, z.looseObject({}), resource);
      if ('observation' in read) return read.observation;
      return stateAt(read.answer, target.stateField, name);
    } catch (error) {
      return googleApiFailure(error, resource, signal, target.timeout);
    }
  },
};

function stateAt(answer: Record<string, unknown>, field: string, name: string): Observation {
  let value: unknown = answer;
  for (const key of field.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  if (typeof value !== 'string') {
    return {
      state: 'INVALID_RESPONSE',
      detail: `${name}: ${field} is ${value === undefined ? 'missing' : JSON.stringify(value)} in the answer`,
    };
  }
  const messages = MESSAGE_FIELDS.map((key) => answer[key]).map((m) =>
    typeof m === 'string' ? m : typeof m === 'boolean' && m ? 'reconciling' : undefined,
  );
  return { state: value, detail: said(...messages) || name };
}
