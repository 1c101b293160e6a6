import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { clusterHeartbeat } from '../../functions/checks/cluster-heartbeat.ts';
import { parseConfig } from '../../functions/config/parse.ts';
import { resolveAll } from '../../functions/config/resolve.ts';
import type { TargetOf } from '../../functions/config/schema.ts';
import { googleApis } from '../../functions/runtime/google-apis.ts';
import { ClusterServer, healthyCluster } from '../support/cluster-server.ts';
import { json, listen, type LocalServer } from '../support/http-server.ts';

/** A request a redirecting server received: its path and the custom header, if it came. */
interface Seen {
  url: string;
  apiKey: string | undefined;
}

/** The cluster on its own origin: where the redirects lead (a second port is a second origin). */
let elsewhere: ClusterServer;
beforeAll(async () => (elsewhere = await ClusterServer.start()));
afterAll(() => elsewhere.close());

/** The target's own origin: a server whose answer to each path the test decides. */
let own: LocalServer;
let seen: Seen[] = [];
let route: (path: string, res: ServerResponse) => void = () => undefined;
beforeAll(async () => {
  own = await listen((req, res) => {
    seen.push({ url: req.url ?? '', apiKey: req.headers['x-api-key'] as string | undefined });
    route(req.url ?? '', res);
  });
});
afterAll(() => own.close());
beforeEach(() => {
  seen = [];
});

function redirect(res: ServerResponse, location: string, status = 302): void {
  res.writeHead(status, { location }).end('moved');
}

function target(timeout = '2s'): TargetOf<'cluster-heartbeat'> {
  const config = parseConfig(
    `targets:
  - name: qmonus-prod
    kind: cluster-heartbeat
    url: ${own.url}/heartbeat?cluster=true
    timeout: ${timeout}
    components: [APIGW]
    headers: { X-Api-Key: "\${QMONUS_TOKEN}" }
`,
    'targets.yaml',
  );
  const { targets } = resolveAll(config, config.targets, { QMONUS_TOKEN: 'key-123456' });
  return targets[0] as TargetOf<'cluster-heartbeat'>;
}

function check(t = target()) {
  const signal = AbortSignal.timeout(t.timeout);
  return clusterHeartbeat.check(t, { signal, now: new Date(), google: googleApis({}) }, undefined);
}

describe('the cluster-heartbeat check, when redirected', () => {
  it('follows a redirect on its own origin, sending the configured headers on every hop', async () => {
    route = (path, res) => {
      if (path.startsWith('/heartbeat')) redirect(res, '/v2/heartbeat?cluster=true', 301);
      else json(res, 200, healthyCluster());
    };
    expect(await check()).toEqual({ state: 'HEALTHY', detail: '3 components, 4 pods, all healthy' });
    expect(seen).toEqual([
      { url: '/heartbeat?cluster=true', apiKey: 'key-123456' },
      { url: '/v2/heartbeat?cluster=true', apiKey: 'key-123456' },
    ]);
  });

  it('follows a redirect to another origin without the configured headers', async () => {
    route = (_, res) => {
      redirect(res, elsewhere.url, 307);
    };
    elsewhere.answer = { status: 200, body: healthyCluster() };
    const before = elsewhere.requests.length;
    expect(await check()).toEqual({ state: 'HEALTHY', detail: '3 components, 4 pods, all healthy' });
    expect(seen).toEqual([{ url: '/heartbeat?cluster=true', apiKey: 'key-123456' }]);
    expect(elsewhere.requests.slice(before)).toHaveLength(1);
    expect(elsewhere.requests.at(-1)?.headers['x-api-key']).toBeUndefined();
  });

  it('sends the headers again only once a redirect leads back to its own origin', async () => {
    route = (path, res) => {
      if (path.startsWith('/heartbeat')) redirect(res, elsewhere.url);
      else json(res, 200, healthyCluster());
    };
    elsewhere.answer = { status: 302, body: 'back', raw: true, headers: { location: `${own.url}/home` } };
    expect(await check()).toEqual({ state: 'HEALTHY', detail: '3 components, 4 pods, all healthy' });
    expect(elsewhere.requests.at(-1)?.headers['x-api-key']).toBeUndefined();
    expect(seen).toEqual([
      { url: '/heartbeat?cluster=true', apiKey: 'key-123456' },
      { url: '/home', apiKey: 'key-123456' },
    ]);
  });

  it('says when the answer after a redirect to another origin had none of the configured headers', async () => {
    route = (_, res) => {
      redirect(res, elsewhere.url);
    };
    elsewhere.answer = { status: 401, body: { error: 'no key' } };
    expect(await check()).toEqual({
      state: 'HTTP_401',
      detail:
        'HTTP 401 Unauthorized: {"error":"no key"} (redirected to another origin, which is not sent the configured headers)',
    });
  });

  it('is UNREACHABLE with "too many redirects" after 5 hops, without asking a 7th time', async () => {
    route = (_, res) => {
      redirect(res, `/hop/${seen.length}`);
    };
    expect(await check()).toEqual({ state: 'UNREACHABLE', detail: 'too many redirects (more than 5)' });
    expect(seen).toHaveLength(6);
  });

  it('keeps the one timeout across hops', async () => {
    route = (path, res) => {
      if (path.startsWith('/heartbeat')) redirect(res, '/slow');
      // /slow never answers.
    };
    expect(await check(target('300ms'))).toEqual({ state: 'UNREACHABLE', detail: 'timed out after 300ms' });
    expect(seen.map((s) => s.url)).toEqual(['/heartbeat?cluster=true', '/slow']);
  });

  it('stops reading the body of a redirect it follows', async () => {
    let redirectClosed = false;
    route = (path, res) => {
      if (!path.startsWith('/heartbeat')) {
        json(res, 200, healthyCluster());
        return;
      }
      // A redirect whose body never ends: only cancelling it frees the connection.
      res.writeHead(302, { location: '/home', 'content-type': 'text/plain' });
      res.write('x'.repeat(64 * 1024));
      res.on('close', () => {
        redirectClosed = true;
      });
    };
    expect(await check()).toEqual({ state: 'HEALTHY', detail: '3 components, 4 pods, all healthy' });
    await expect.poll(() => redirectClosed, { timeout: 1000 }).toBe(true);
  });

  it.each([
    [
      'a scheme other than http(s)',
      'ftp://files.example/heartbeat',
      'redirected to a URL that is not http(s)',
    ],
    ['a Location that is not a URL', 'http://[::1', 'redirected to an invalid URL'],
  ])('is UNREACHABLE for a redirect to %s', async (_, location, detail) => {
    route = (_path, res) => {
      redirect(res, location);
    };
    expect(await check()).toEqual({ state: 'UNREACHABLE', detail });
  });
});
