import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { clusterHeartbeat, MAX_BODY_BYTES } from '../../functions/checks/cluster-heartbeat.ts';
import { parseConfig } from '../../functions/config/load.ts';
import { resolveAll } from '../../functions/config/resolve.ts';
import type { TargetOf } from '../../functions/config/schema.ts';
import { googleApis } from '../../functions/runtime/google-apis.ts';
import { ClusterServer, healthyCluster, pod } from '../support/cluster-server.ts';

let cluster: ClusterServer;
beforeAll(async () => (cluster = await ClusterServer.start()));
afterAll(() => cluster.close());

function target(extra = ''): TargetOf<'cluster-heartbeat'> {
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
  const { targets } = resolveAll(config, config.targets, { QMONUS_TOKEN: 'tok' });
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
