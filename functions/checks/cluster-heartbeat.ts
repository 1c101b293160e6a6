import { z } from 'zod';
import type { TargetOf } from '../config/schema.ts';
import { expandVariables } from '../config/variables.ts';
import type { Observation } from '../model/observation.ts';
import { describeNetworkError, excerpt } from '../net/network-error.ts';
import { BodyTooLargeError, readBodyCapped } from '../net/read-body.ts';
import type { KindModule } from './kind.ts';

/** A heartbeat answer is a few KB; anything past this is a runaway endpoint, not a cluster. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

const pod = z.looseObject({ hostname: z.string().optional() });
type Pod = z.infer<typeof pod>;

/**
 * `GET /heartbeat?cluster=true` answers with one key per component, each holding its pods, either
 * as a list (`{"APIGW": [{"hostname": "apigw-0", "database": true, …}]}`) or keyed by hostname
 * (`{"APIGW": {"apigw-0": {…}}}`). Keys whose value is neither (a version string, say) are not
 * components and are ignored.
 */
const componentPods = z.union([z.array(pod), z.record(z.string(), pod)]);
const heartbeatBody = z.record(z.string(), z.unknown());

/** Checks a Qmonus-style cluster heartbeat: every listed component present, every pod's fields allowed. */
export const clusterHeartbeat: KindModule<'cluster-heartbeat'> = {
  check: (target, { signal }) => checkHeartbeat(target, signal),

  /** `${VAR}` in header values comes from the environment, so tokens stay out of the YAML. */
  resolve(target, env, problem) {
    const headers = Object.fromEntries(
      Object.entries(target.headers).map(([header, value]) => [
        header,
        expandVariables(value, env, (variable) => {
          problem(['headers', header], `environment variable ${variable} is not set`);
        }),
      ]),
    );
    return { ...target, headers };
  },
};

async function checkHeartbeat(
  target: TargetOf<'cluster-heartbeat'>,
  signal: AbortSignal,
): Promise<Observation> {
  let response: Response;
  let body: string;
  try {
    response = await fetch(target.url, { headers: target.headers, signal });
    body = await readBodyCapped(response, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return { state: 'INVALID_RESPONSE', detail: `body larger than ${MAX_BODY_BYTES} bytes, not read` };
    }
    return { state: 'UNREACHABLE', detail: describeNetworkError(error, target.timeout, signal) };
  }
  if (response.status !== 200) {
    return {
      state: `HTTP_${response.status}`,
      detail: `HTTP ${response.status} ${response.statusText}${body ? `: ${excerpt(body)}` : ''}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { state: 'INVALID_RESPONSE', detail: `not JSON: ${excerpt(body) || '(empty body)'}` };
  }
  const parsed = heartbeatBody.safeParse(json);
  if (!parsed.success) {
    return { state: 'INVALID_RESPONSE', detail: `expected an object of components, got: ${excerpt(body)}` };
  }
  const components = new Map<string, Pod[]>();
  for (const [name, value] of Object.entries(parsed.data)) {
    const pods = componentPods.safeParse(value);
    if (!pods.success) continue;
    components.set(
      name,
      Array.isArray(pods.data)
        ? pods.data
        : Object.entries(pods.data).map(([hostname, p]) => ({ hostname, ...p })),
    );
  }
  if (components.size === 0) {
    return { state: 'INVALID_RESPONSE', detail: `no components in the answer: ${excerpt(body)}` };
  }
  return judge(target, components);
}

function judge(target: TargetOf<'cluster-heartbeat'>, components: Map<string, Pod[]>): Observation {
  const problems: string[] = [];
  for (const [name, minimum] of Object.entries(target.components)) {
    const pods = components.get(name);
    if (!pods || pods.length === 0) problems.push(`${name}: component missing (no pods in the answer)`);
    else if (pods.length < minimum)
      problems.push(`${name}: ${pods.length} pods, expected at least ${minimum}`);
  }
  let podCount = 0;
  for (const [name, pods] of components) {
    pods.forEach((p, index) => {
      podCount++;
      const host = p.hostname ?? `pod #${index + 1}`;
      for (const [field, allowed] of Object.entries(target.pod)) {
        const value = p[field];
        if (!allowed.some((a) => a === value)) {
          const shown = value === undefined ? 'missing' : JSON.stringify(value);
          problems.push(
            `${name}/${host}: ${field}=${shown} (allowed: ${allowed.map((a) => JSON.stringify(a)).join(', ')})`,
          );
        }
      }
    });
  }
  if (problems.length > 0) return { state: 'DEGRADED', detail: problems.join('\n') };
  return { state: 'HEALTHY', detail: `${components.size} components, ${podCount} pods, all healthy` };
}
