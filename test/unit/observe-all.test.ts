import type { ServerResponse } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { observeAll, withinTimeout } from '../../functions/checks/observe-all.ts';
import { parseConfig } from '../../functions/config/parse.ts';
import { googleApis } from '../../functions/runtime/google-apis.ts';
import { MemoryStateStore } from '../../functions/store/memory.ts';
import { healthyCluster } from '../support/cluster-server.ts';
import { json, listen, type LocalServer } from '../support/http-server.ts';

/**
 * A heartbeat endpoint that answers nobody until `needed` requests are waiting at once: targets
 * checked one after another never get an answer; checked in parallel, all do. No clock involved.
 */
async function barrier(needed: number): Promise<LocalServer> {
  const waiting: ServerResponse[] = [];
  return listen((req, res) => {
    if (req.url?.includes('hang')) return;
    waiting.push(res);
    // A request its client gave up on (timed out) is no longer waiting.
    res.on('close', () => {
      const index = waiting.indexOf(res);
      if (index !== -1) waiting.splice(index, 1);
    });
    if (waiting.length >= needed) for (const r of waiting.splice(0)) json(r, 200, healthyCluster());
  });
}

let server: LocalServer | undefined;
afterEach(() => server?.close());

function targets(url: string, count: number, timeout: string, hanging = 0) {
  const lines = Array.from({ length: count }, (_, i) =>
    i < hanging
      ? `  - { name: hang${i}, kind: cluster-heartbeat, url: "${url}/hang", timeout: ${timeout} }`
      : `  - { name: t${i}, kind: cluster-heartbeat, url: "${url}/heartbeat?n=${i}", timeout: ${timeout} }`,
  );
  return parseConfig(`targets:\n${lines.join('\n')}`, 'targets.yaml').targets;
}

const context = { store: new MemoryStateStore(), now: new Date(), tidy: false, google: googleApis({}) };

describe('observing many targets', () => {
  it('checks up to `concurrency` targets at the same time', async () => {
    server = await barrier(8);
    const observed = await observeAll(targets(server.url, 8, '10s'), 8, context);
    expect(observed.map((o) => o.observation.state)).toEqual(Array.from({ length: 8 }, () => 'HEALTHY'));
  });

  it('never more than `concurrency`: below the barrier, every target times out on its own', async () => {
    server = await barrier(8);
    const observed = await observeAll(targets(server.url, 8, '300ms'), 7, context);
    expect(new Set(observed.map((o) => `${o.observation.state}: ${o.observation.detail}`))).toEqual(
      new Set(['UNREACHABLE: timed out after 300ms']),
    );
  });

  it('lets a hanging target hold up no other: the rest are answered while it hangs', async () => {
    server = await barrier(5);
    const observed = await observeAll(targets(server.url, 6, '2s', 1), 64, context);
    expect(observed.map((o) => [o.target.name, o.observation.state])).toEqual([
      ['hang0', 'UNREACHABLE'],
      ...Array.from({ length: 5 }, (_, i) => [`t${i + 1}`, 'HEALTHY']),
    ]);
  });
});

describe('a check under its timeout', () => {
  it('lets go of its signal, and all a request hangs on it, as soon as it has answered', async () => {
    // A timer left to wait out the timeout (AbortSignal.timeout) held the signal, and through its
    // listeners the request, for the whole timeout: at ten thousand targets, most of a poll.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    let signal: WeakRef<AbortSignal> | undefined;
    const [target] = targets('http://127.0.0.1:9', 1, '60s');
    const observed = await withinTimeout(target as never, context, (checkContext) => {
      signal = new WeakRef(checkContext.signal);
      return Promise.resolve({ state: 'HEALTHY', detail: '' });
    });
    expect(observed.observation.state).toBe('HEALTHY');
    for (let i = 0; i < 3 && signal?.deref(); i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    expect(signal?.deref()).toBeUndefined();
  });
});
