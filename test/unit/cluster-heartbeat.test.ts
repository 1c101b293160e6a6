import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { clusterHeartbeat, MAX_BODY_BYTES } from '../../functions/checks/cluster-heartbeat.ts';
import { ConfigError } from '../../functions/config/errors.ts';
import { parseConfig } from '../../functions/config/parse.ts';
import { resolveAll } from '../../functions/config/resolve.ts';
import type { TargetOf } from '../../functions/config/schema.ts';
import { googleApis } from '../../functions/runtime/google-apis.ts';
import { ClusterServer, healthyCluster, pod } from '../support/cluster-server.ts';

let cluster: ClusterServer;
beforeAll(async () => (cluster = await ClusterServer.start()));
afterAll(() => cluster.close());

function target(extra = '', env: NodeJS.ProcessEnv = { QMONUS_TOKEN: 'tok' }): TargetOf<'cluster-heartbeat'> {
  const config = parseConfig(
    `targets:
  - name: qmonus-prod
    kind: cluster-heartbeat
    url: ${cluster.url}
    timeout: 2s
    components: [APIGW, SCENARIO, SCHEDULE]
${extra}`,
    'targets.yaml',
  );
  const { targets } = resolveAll(config, config.targets, env);
  return targets[0] as TargetOf<'cluster-heartbeat'>;
}

function check(t = target(), signal = AbortSignal.timeout(t.timeout)) {
  return clusterHeartbeat.check(t, { signal, now: new Date(), google: googleApis({}) }, undefined);
}

describe('the cluster-heartbeat check', () => {
  it('is HEALTHY when every component is present and every pod is in service with its backends', async () => {
    cluster.answer = { status: 200, body: healthyCluster() };
    expect(await check()).toEqual({ state: 'HEALTHY', detail: '3 components, 4 pods, all healthy' });
  });

  it.each([
    [
      'a pod that lost its database',
      { ...healthyCluster(), SCENARIO: [pod('scenario-5c6b7-klmno', { database: false })] },
      'SCENARIO/scenario-5c6b7-klmno: database=false (allowed: true)',
    ],
    [
      'a pod taken out of service',
      { ...healthyCluster(), APIGW: [pod('apigw-1', { outofservice: true }), pod('apigw-2')] },
      'APIGW/apigw-1: outofservice=true (allowed: false)',
    ],
    [
      'a pod that lost Memorystore',
      { ...healthyCluster(), SCHEDULE: [pod('schedule-1', { memorystore: false })] },
      'SCHEDULE/schedule-1: memorystore=false (allowed: true)',
    ],
    [
      // Older Qmonus answers 200 and simply leaves out a component whose pods it could not reach.
      'a component left out of the answer',
      { APIGW: healthyCluster()['APIGW'], SCENARIO: healthyCluster()['SCENARIO'] },
      'SCHEDULE: component missing (no pods in the answer)',
    ],
    [
      'a component with no pods',
      { ...healthyCluster(), SCHEDULE: [] },
      'SCHEDULE: component missing (no pods in the answer)',
    ],
    [
      'a pod without the field at all',
      { ...healthyCluster(), SCHEDULE: [{ hostname: 'schedule-1', outofservice: false, database: true }] },
      'SCHEDULE/schedule-1: memorystore=missing (allowed: true)',
    ],
  ])('is DEGRADED for %s, naming component, pod, field and value', async (_, body, detail) => {
    cluster.answer = { status: 200, body };
    expect(await check()).toEqual({ state: 'DEGRADED', detail });
  });

  it('lists every problem, one per line', async () => {
    cluster.answer = {
      status: 200,
      body: { APIGW: [pod('apigw-1', { database: false, memorystore: false })], SCENARIO: [pod('s-1')] },
    };
    expect((await check()).detail.split('\n')).toEqual([
      'SCHEDULE: component missing (no pods in the answer)',
      'APIGW/apigw-1: database=false (allowed: true)',
      'APIGW/apigw-1: memorystore=false (allowed: true)',
    ]);
  });

  it('reads pods keyed by hostname too', async () => {
    cluster.answer = {
      status: 200,
      body: { APIGW: { 'apigw-1': { outofservice: false, database: false, memorystore: true } } },
    };
    expect(await check({ ...target(), components: {} })).toEqual({
      state: 'DEGRADED',
      detail: 'APIGW/apigw-1: database=false (allowed: true)',
    });
  });

  it('requires a minimum number of pods when components gives counts', async () => {
    cluster.answer = { status: 200, body: { APIGW: [pod('apigw-1')] } };
    const t = { ...target(), components: { APIGW: 2 } };
    expect(await check(t)).toEqual({ state: 'DEGRADED', detail: 'APIGW: 1 pods, expected at least 2' });
  });

  it('reports HTTP_<code> and still reads the body for detail', async () => {
    cluster.answer = { status: 500, body: { error: 'database connection pool exhausted' } };
    expect(await check()).toEqual({
      state: 'HTTP_500',
      detail: 'HTTP 500 Internal Server Error: {"error":"database connection pool exhausted"}',
    });
  });

  it.each([
    [
      'non-JSON',
      { status: 200, body: '<html>502 Bad Gateway</html>', raw: true },
      'not JSON: <html>502 Bad Gateway</html>',
    ],
    ['an empty body', { status: 200, body: '', raw: true }, 'not JSON: (empty body)'],
    ['a JSON array', { status: 200, body: [1, 2] }, 'expected an object of components, got: [1,2]'],
    [
      'an object without components',
      { status: 200, body: { version: '1.2' } },
      'no components in the answer: {"version":"1.2"}',
    ],
  ])('is INVALID_RESPONSE for %s', async (_, answer, detail) => {
    cluster.answer = answer;
    expect(await check()).toEqual({ state: 'INVALID_RESPONSE', detail });
  });

  it('stops reading a body larger than the cap', async () => {
    cluster.answer = { status: 200, body: 'x'.repeat(MAX_BODY_BYTES + 1), raw: true };
    expect(await check()).toEqual({
      state: 'INVALID_RESPONSE',
      detail: `body larger than ${MAX_BODY_BYTES} bytes, not read`,
    });
  });

  it('is UNREACHABLE, saying why, when nothing listens', async () => {
    const closed = await ClusterServer.start();
    await closed.close();
    const t = { ...target(), url: closed.url };
    expect(await check(t)).toEqual({ state: 'UNREACHABLE', detail: 'connection refused (ECONNREFUSED)' });
  });

  it('is UNREACHABLE with "timed out" when the endpoint hangs past the timeout', async () => {
    cluster.answer = { hang: true };
    const t = { ...target(), timeout: 300 };
    const signal = AbortSignal.timeout(t.timeout);
    expect(await check(t, signal)).toEqual({ state: 'UNREACHABLE', detail: 'timed out after 300ms' });
    // The check answered because its timeout fired, not on its own before it. That it gives up
    // once the signal fires needs no stopwatch: a check that ignored it would hang past the test's timeout.
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).name).toBe('TimeoutError');
  });

  it('sends the configured headers, with ${VAR} expanded', async () => {
    cluster.answer = { status: 200, body: healthyCluster() };
    await check(target('    headers: { Authorization: "Bearer ${QMONUS_TOKEN}" }'));
    expect(cluster.requests.at(-1)?.authorization).toBe('Bearer tok');
  });
});

describe('the cluster-heartbeat check, on pods that are not what they should be', () => {
  it.each([
    ['a null pod in a list', { APIGW: [null, pod('apigw-1')] }, 'APIGW/pod #1: not an object (null)'],
    ['a number in a list', { APIGW: [pod('apigw-1'), 42] }, 'APIGW/pod #2: not an object (42)'],
    ['a string in a list', { APIGW: ['apigw-1'] }, 'APIGW/pod #1: not an object ("apigw-1")'],
    ['an array in a list', { APIGW: [[pod('apigw-1')]] }, 'APIGW/pod #1: not an object (an array)'],
    ['a null pod keyed by hostname', { APIGW: { 'apigw-1': null } }, 'APIGW/apigw-1: not an object (null)'],
    [
      'a pod whose hostname is not a string',
      { APIGW: [pod('apigw-1'), { ...pod('x', { database: false }), hostname: 42 }] },
      'APIGW/pod #2 (hostname 42): database=false (allowed: true)',
    ],
    ['a component that is not a list of pods', { APIGW: 'down' }, 'APIGW: not a list of pods ("down")'],
  ])('is DEGRADED for %s, and says so rather than "component missing"', async (_, apigw, detail) => {
    cluster.answer = { status: 200, body: { ...healthyCluster(), ...apigw } };
    expect(await check()).toEqual({ state: 'DEGRADED', detail });
  });

  it.each([
    [
      'a list',
      { EXTRA: [null, null] },
      'EXTRA/pod #1: not an object (null)\nEXTRA/pod #2: not an object (null)',
    ],
    ['hostnames', { EXTRA: { 'extra-0': null } }, 'EXTRA/extra-0: not an object (null)'],
  ])(
    'reports a component of %s with only null pods, though components: does not list it',
    async (_, extra, detail) => {
      cluster.answer = { status: 200, body: { ...healthyCluster(), ...extra } };
      expect(await check()).toEqual({ state: 'DEGRADED', detail });
    },
  );

  it('still ignores keys that hold no pods at all, such as a version', async () => {
    cluster.answer = { status: 200, body: { ...healthyCluster(), version: '1.2', build: { sha: 'abc' } } };
    expect(await check()).toEqual({ state: 'HEALTHY', detail: '3 components, 4 pods, all healthy' });
  });
});

describe('the cluster-heartbeat check, on a huge list of problems', () => {
  it('says how many problems there are and lists only the first 20', async () => {
    // 7,500 empty pods: a 22 KB answer with three problems each, which used to make a 1 MiB detail.
    cluster.answer = { status: 200, body: { APIGW: Array.from({ length: 7500 }, () => ({})) } };
    const { state, detail } = await check({ ...target(), components: { APIGW: 1, SCHEDULE: 1 } });
    const lines = detail.split('\n');
    expect(state).toBe('DEGRADED');
    expect(detail.length).toBeLessThan(4096);
    expect(lines[0]).toBe('22,501 problems, in 1 component and 7,500 pods; the first 20:');
    expect(lines.slice(1, 5)).toEqual([
      'SCHEDULE: component missing (no pods in the answer)',
      'APIGW/pod #1: outofservice=missing (allowed: false)',
      'APIGW/pod #1: database=missing (allowed: true)',
      'APIGW/pod #1: memorystore=missing (allowed: true)',
    ]);
    expect(lines.slice(1, -1)).toHaveLength(20);
    expect(lines.at(-1)).toBe('…and 22,481 more');
  });

  it('keeps each line short when the answer holds huge values', async () => {
    const huge = 'x'.repeat(100_000);
    cluster.answer = { status: 200, body: { [huge]: [{ ...pod(huge), database: huge }] } };
    const { state, detail } = await check({ ...target(), components: {} });
    expect(state).toBe('DEGRADED');
    expect(detail.length).toBeLessThan(1024);
  });
});

describe('the cluster-heartbeat headers', () => {
  /** Resolves one target with these headers and environment, collecting the problems reported. */
  function resolveHeaders(headers: Record<string, string>, env: NodeJS.ProcessEnv) {
    const problems: string[] = [];
    clusterHeartbeat.resolve?.({ ...target(), headers }, env, (path, message) => {
      problems.push(`${path.map(String).join('.')}: ${message}`);
    });
    return problems;
  }

  const secret = 'S3cr3t-t0ken-value';

  it.each([
    [
      'a line feed',
      `${secret}\nX-Injected: 1`,
      'headers.X-Api-Key: the value (from ${QMONUS_TOKEN}) contains a line break',
    ],
    [
      'a carriage return',
      `${secret}\r`,
      'headers.X-Api-Key: the value (from ${QMONUS_TOKEN}) contains a line break',
    ],
    ['a NUL', `${secret}\0`, 'headers.X-Api-Key: the value (from ${QMONUS_TOKEN}) contains a NUL character'],
    [
      'a character beyond Latin-1',
      `${secret}\u2028`,
      'headers.X-Api-Key: the value (from ${QMONUS_TOKEN}) contains a character beyond Latin-1, which a header cannot carry',
    ],
  ])('reports a value with %s as a config problem that never shows the value', (_, token, problem) => {
    const problems = resolveHeaders({ 'X-Api-Key': '${QMONUS_TOKEN}' }, { QMONUS_TOKEN: token });
    expect(problems).toEqual([problem]);
    expect(problems.join()).not.toContain(secret);
  });

  it('reports an invalid value written in the file itself, without the value', () => {
    expect(resolveHeaders({ 'X-Api-Key': `${secret}\u0000` }, {})).toEqual([
      'headers.X-Api-Key: the value contains a NUL character',
    ]);
  });

  it.each(['X Api Key', 'X-Api-Key:', '', 'Clé'])(
    'reports a header name %j that is not an HTTP token',
    (name) => {
      expect(resolveHeaders({ [name]: 'v' }, {})).toEqual([
        `headers.${name}: is not a valid header name (letters, digits and !#$%&'*+-.^_\`|~ only)`,
      ]);
    },
  );

  it.each(['Connection', 'transfer-encoding', 'Upgrade', 'Expect', 'Keep-Alive'])(
    'reports %s, a header of the connection that fetch will not send',
    (name) => {
      expect(resolveHeaders({ [name]: 'v' }, {})).toEqual([
        `headers.${name}: is about the connection, which fetch manages itself: it cannot be set`,
      ]);
    },
  );

  it('fails the poll with a ConfigError naming the header and its line', () => {
    const config = parseConfig(
      `targets:
  - name: qmonus-prod
    kind: cluster-heartbeat
    url: https://x/h
    headers:
      X-Api-Key: "\${QMONUS_TOKEN}"
`,
      'targets.yaml',
    );
    const resolve = () => resolveAll(config, config.targets, { QMONUS_TOKEN: `${secret}\n` });
    expect(resolve).toThrow(ConfigError);
    expect(resolve).toThrow(
      'targets[0].headers.X-Api-Key: the value (from ${QMONUS_TOKEN}) contains a line break (line 6)',
    );
    expect(resolve).not.toThrow(secret);
  });

  it('never puts a header value in a detail, even when fetch rejects it', async () => {
    const t = { ...target(), headers: { 'X-Api-Key': `${secret}\nX-Injected: 1` } };
    const { state, detail } = await check(t);
    expect(state).toBe('UNREACHABLE');
    expect(detail).not.toContain(secret);
    expect(detail).toContain('[redacted]');
  });

  it('redacts a header value the endpoint echoes back in its answer', async () => {
    cluster.answer = { status: 401, body: { error: `invalid key Bearer ${secret}` } };
    const t = { ...target(), headers: { Authorization: `Bearer ${secret}` } };
    expect(await check(t)).toEqual({
      state: 'HTTP_401',
      detail: 'HTTP 401 Unauthorized: {"error":"invalid key [redacted]"}',
    });
  });

  it('redacts the token of an Authorization value even when it appears alone', async () => {
    cluster.answer = { status: 403, body: `token ${secret} expired`, raw: true };
    const t = { ...target(), headers: { Authorization: `Bearer ${secret}` } };
    expect(await check(t)).toEqual({
      state: 'HTTP_403',
      detail: 'HTTP 403 Forbidden: token [redacted] expired',
    });
  });
});
