import type { TargetOf } from '../config/schema.ts';
import { expandVariables } from '../config/variables.ts';
import type { Observation } from '../model/observation.ts';
import { fetchFollowingRedirects } from '../net/fetch-following-redirects.ts';
import { describeNetworkError, excerpt } from '../net/network-error.ts';
import { BodyTooLargeError, readBodyCapped } from '../net/read-body.ts';
import type { ConfigProblem, KindModule } from './kind.ts';

type Target = TargetOf<'cluster-heartbeat'>;

/** A heartbeat answer is a few KB; anything past this is a runaway endpoint, not a cluster. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** Problems listed one per line; past this a count and the first ones say enough. */
export const MAX_LISTED_PROBLEMS = 20;

/**
 * Characters of one name or value from the answer, and of one problem line, shown in a detail:
 * twenty lines stay well under the few KB a detail may take, whatever the endpoint sends.
 */
const MAX_SHOWN = 60;
const MAX_LINE = 180;

/** Checks a Qmonus-style cluster heartbeat: every listed component present, every pod's fields allowed. */
export const clusterHeartbeat: KindModule<'cluster-heartbeat'> = {
  states: ['HEALTHY', 'DEGRADED', /^HTTP_\d{3}$/, 'INVALID_RESPONSE', 'UNREACHABLE'],

  lint(target, warn) {
    for (const field of Object.keys(target.pod)) {
      if (!KNOWN_POD_FIELDS.includes(field)) {
        warn(
          ['pod', field],
          `no known heartbeat reports a pod field "${field}" (known: ${KNOWN_POD_FIELDS.join(', ')}); a typo? A pod without it is DEGRADED`,
        );
      }
    }
  },

  async check(target, { signal }) {
    const redact = redactor(target.headers);
    const { state, detail } = await checkHeartbeat(target, signal, redact);
    // Pieces of the answer are redacted where they are shown; this catches everything else,
    // such as a network error quoting a header (`Headers.append: "…" is an invalid header value`).
    return { state, detail: redact(detail) };
  },

  /**
   * `${VAR}` in header values comes from the environment, so tokens stay out of the YAML. What
   * fetch would refuse is a config problem here, named without the value: it may be a token.
   */
  resolve(target, env, problem) {
    const headers: Record<string, string> = {};
    for (const [name, written] of Object.entries(target.headers)) {
      headers[name] = resolveHeader(name, written, env, problem);
    }
    return { ...target, headers };
  },
};

/** The pod fields a Qmonus heartbeat reports; others are allowed, and `validate` asks about them. */
const KNOWN_POD_FIELDS = ['hostname', 'outofservice', 'database', 'memorystore'];

/** Headers fetch (undici) refuses to send, as they belong to the connection. */
const CONNECTION_HEADERS = new Set(['connection', 'transfer-encoding', 'upgrade', 'expect', 'keep-alive']);

/** An HTTP token (RFC 9110 §5.6.2): what a header name may be made of. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function resolveHeader(
  name: string,
  written: string,
  env: NodeJS.ProcessEnv,
  problem: ConfigProblem,
): string {
  if (!HEADER_NAME.test(name)) {
    problem(['headers', name], "is not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)");
  } else if (CONNECTION_HEADERS.has(name.toLowerCase())) {
    problem(['headers', name], 'is about the connection, which fetch manages itself: it cannot be set');
  }
  const value = expandVariables(written, env, (variable) => {
    problem(['headers', name], `environment variable ${variable} is not set`);
  });
  const flaw = headerValueFlaw(value);
  if (flaw !== undefined) {
    const culprits = variablesIn(written).filter((v) => headerValueFlaw(env[v] ?? '') !== undefined);
    const from = culprits.length > 0 ? ` (from ${culprits.map((v) => `\${${v}}`).join(', ')})` : '';
    problem(['headers', name], `the value${from} ${flaw}`);
  }
  return value;
}

/** What fetch (undici) refuses in a header value, in words that never quote the value. */
function headerValueFlaw(value: string): string | undefined {
  const codes = Array.from(value, (char) => char.codePointAt(0) ?? 0);
  if (codes.some((c) => c === 0x0a || c === 0x0d)) return 'contains a line break';
  if (codes.some((c) => c === 0)) return 'contains a NUL character';
  if (codes.some((c) => (c < 0x20 && c !== 0x09) || c === 0x7f)) return 'contains a control character';
  // Header values are byte strings: fetch throws on anything past U+00FF.
  if (codes.some((c) => c > 0xff)) return 'contains a character beyond Latin-1, which a header cannot carry';
  return undefined;
}

/** The variables `${VAR}` in a written value (as expandVariables reads them; `$${` is a literal). */
function variablesIn(written: string): string[] {
  return Array.from(written.matchAll(/\$?\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g))
    .filter(([match]) => !match.startsWith('$$'))
    .map(([, variable]) => variable ?? '');
}

/**
 * Hides the configured header values from text: a detail is stored, logged and sent to Slack. A
 * value shorter than 6 characters is no secret worth the mangled details (`true`, `json`); of a
 * value with spaces (`Bearer <token>`), each word of 8 or more is hidden too, so a token quoted
 * alone is caught while a scheme name such as `Bearer` is left alone.
 */
function redactor(headers: Record<string, string>): (text: string) => string {
  const secrets = new Set<string>();
  for (const value of Object.values(headers)) {
    const trimmed = value.trim();
    const candidates = [value, trimmed, ...trimmed.split(/\s+/).filter((word) => word.length >= 8)];
    for (const candidate of candidates) {
      if (candidate.length < 6) continue;
      secrets.add(candidate);
      // As quoted inside a JSON string (an echoed request, an error body).
      secrets.add(JSON.stringify(candidate).slice(1, -1));
    }
  }
  // Longest first, so that a whole value is replaced before the words inside it.
  const ordered = [...secrets].sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((out, secret) => out.replaceAll(secret, '[redacted]'), text);
}

async function checkHeartbeat(
  target: Target,
  signal: AbortSignal,
  redact: (text: string) => string,
): Promise<Observation> {
  const show = (text: string, max?: number) => excerpt(redact(text), max);
  let response: Response;
  let leftOrigin: boolean;
  let body: string;
  try {
    ({ response, leftOrigin } = await fetchFollowingRedirects(target.url, {
      headers: target.headers,
      signal,
    }));
    body = await readBodyCapped(response, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) {
      return { state: 'INVALID_RESPONSE', detail: `body larger than ${MAX_BODY_BYTES} bytes, not read` };
    }
    return { state: 'UNREACHABLE', detail: describeNetworkError(error, target.timeout, signal) };
  }
  const observation = judgeAnswer(target, response, body, show);
  if (observation.state === 'HEALTHY' || !leftOrigin || Object.keys(target.headers).length === 0) {
    return observation;
  }
  // Without its API key an endpoint answers 401 or a login page; say why the key was not sent.
  return {
    ...observation,
    detail: `${observation.detail} (redirected to another origin, which is not sent the configured headers)`,
  };
}

function judgeAnswer(target: Target, response: Response, body: string, show: Show): Observation {
  if (response.status !== 200) {
    return {
      state: `HTTP_${response.status}`,
      detail: `HTTP ${response.status} ${response.statusText}${body ? `: ${show(body)}` : ''}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { state: 'INVALID_RESPONSE', detail: `not JSON: ${show(body) || '(empty body)'}` };
  }
  if (!isObject(json)) {
    return { state: 'INVALID_RESPONSE', detail: `expected an object of components, got: ${show(body)}` };
  }
  const components = componentsOf(json, target.components);
  if (components.size === 0) {
    return { state: 'INVALID_RESPONSE', detail: `no components in the answer: ${show(body)}` };
  }
  return judge(target, components, show);
}

/** Shows a piece of the answer in a detail: secrets redacted, whitespace flattened, cut short. */
type Show = (text: string, max?: number) => string;

/** A pod as the answer gives it (anything at all), and where: `pod #2` in a list, or its key. */
interface PodEntry {
  at: string;
  pod: unknown;
}

/** What a component key holds: pods, or (for a required component) something that is not pods. */
type Component = { pods: PodEntry[] } | { notPods: unknown };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `GET /heartbeat?cluster=true` answers with one key per component, each holding its pods, either
 * as a list (`{"APIGW": [{"hostname": "apigw-0", "database": true, …}]}`) or keyed by hostname
 * (`{"APIGW": {"apigw-0": {…}}}`). A key holds pods when its value is a list or an object that is
 * empty or has at least one object or `null` in it; every entry is then a pod, so a `null` among them is
 * reported as a broken pod rather than hiding the whole component. Other keys (a version string,
 * say) are not components and are ignored, unless `components:` requires them.
 */
function componentsOf(
  answer: Record<string, unknown>,
  required: Record<string, number>,
): Map<string, Component> {
  const components = new Map<string, Component>();
  for (const [name, value] of Object.entries(answer)) {
    const entries: PodEntry[] | undefined = Array.isArray(value)
      ? value.map((pod: unknown, index) => ({ at: `pod #${index + 1}`, pod }))
      : isObject(value)
        ? Object.entries(value).map(([key, pod]) => ({ at: key, pod }))
        : undefined;
    // A null entry is a pod that could not be reported: it makes the key a component, to be told.
    const holdsPods =
      entries !== undefined &&
      (entries.length === 0 || entries.some((e) => isObject(e.pod) || e.pod === null));
    if (entries !== undefined && (holdsPods || Object.hasOwn(required, name))) {
      components.set(name, { pods: entries });
    } else if (Object.hasOwn(required, name)) {
      components.set(name, { notPods: value });
    }
  }
  return components;
}

function judge(target: Target, components: Map<string, Component>, show: Show): Observation {
  const problems: string[] = [];
  let componentsWithProblems = 0;
  let podsWithProblems = 0;
  let podCount = 0;
  const shown = (value: unknown) =>
    value === undefined ? 'missing' : show(JSON.stringify(value), MAX_SHOWN);

  for (const [name, minimum] of Object.entries(target.components)) {
    const component = components.get(name);
    const problem = componentProblem(component, minimum);
    if (problem === undefined) continue;
    componentsWithProblems++;
    problems.push(show(`${name}: ${problem}`, MAX_LINE));
  }
  for (const [name, component] of components) {
    if (!('pods' in component)) continue;
    for (const { at, pod } of component.pods) {
      podCount++;
      const lines = podProblems(pod, target.pod, shown);
      if (lines.length === 0) continue;
      podsWithProblems++;
      const where = `${show(name, MAX_SHOWN)}/${podLabel(at, pod, show, shown)}`;
      for (const line of lines) problems.push(show(`${where}: ${line}`, MAX_LINE));
    }
  }
  if (problems.length === 0) {
    return { state: 'HEALTHY', detail: `${components.size} components, ${podCount} pods, all healthy` };
  }
  return { state: 'DEGRADED', detail: summarise(problems, componentsWithProblems, podsWithProblems) };

  function componentProblem(component: Component | undefined, minimum: number): string | undefined {
    if (component === undefined) return 'component missing (no pods in the answer)';
    if (!('pods' in component)) return `not a list of pods (${shown(component.notPods)})`;
    const count = component.pods.length;
    if (count === 0) return 'component missing (no pods in the answer)';
    if (count < minimum) return `${count} pods, expected at least ${minimum}`;
    return undefined;
  }
}

/** The pod's hostname when it gives one as a string; its place otherwise, with what it gave. */
function podLabel(at: string, pod: unknown, show: Show, shown: (value: unknown) => string): string {
  const hostname = isObject(pod) ? pod['hostname'] : undefined;
  if (typeof hostname === 'string') return show(hostname, MAX_SHOWN);
  if (hostname === undefined) return show(at, MAX_SHOWN);
  return `${show(at, MAX_SHOWN)} (hostname ${shown(hostname)})`;
}

/** Each field of the pod that is not one of its allowed values, as `field=value (allowed: …)`. */
function podProblems(pod: unknown, rules: Target['pod'], shown: (value: unknown) => string): string[] {
  if (!isObject(pod)) return [`not an object (${Array.isArray(pod) ? 'an array' : shown(pod)})`];
  const problems: string[] = [];
  for (const [field, allowed] of Object.entries(rules)) {
    const value = pod[field];
    if (allowed.some((a) => a === value)) continue;
    problems.push(`${field}=${shown(value)} (allowed: ${allowed.map((a) => JSON.stringify(a)).join(', ')})`);
  }
  return problems;
}

/** Every problem, one per line; past {@link MAX_LISTED_PROBLEMS}, a count, the first ones and how many more. */
function summarise(problems: string[], components: number, pods: number): string {
  if (problems.length <= MAX_LISTED_PROBLEMS) return problems.join('\n');
  const where = [
    components > 0 ? counted(components, 'component') : '',
    pods > 0 ? counted(pods, 'pod') : '',
  ].filter(Boolean);
  return [
    `${counted(problems.length, 'problem')}, in ${where.join(' and ')}; the first ${MAX_LISTED_PROBLEMS}:`,
    ...problems.slice(0, MAX_LISTED_PROBLEMS),
    `…and ${(problems.length - MAX_LISTED_PROBLEMS).toLocaleString('en-US')} more`,
  ].join('\n');
}

/** `1 pod`, `7,500 pods`. */
function counted(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
