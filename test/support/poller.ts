import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { Dependencies } from '../../functions/app/dependencies.ts';
import type { PollReport } from '../../functions/app/report.ts';
import { createPingHandler } from '../../functions/http/ping-handler.ts';
import { createPollHandler } from '../../functions/http/poll-handler.ts';
import { createStatusHandler } from '../../functions/http/status-handler.ts';
import { createDependencies } from '../../functions/runtime/create-dependencies.ts';
import { jsonLogger } from '../../functions/runtime/log.ts';
import { readSettings } from '../../functions/runtime/settings.ts';

/** A Firestore project of its own per test, so tests share the emulator but no data. */
export function freshProject(): string {
  return `test-${randomUUID().slice(0, 12)}`;
}

/**
 * The real `poll` function, wired exactly as `functions/index.ts` wires it (same settings, same
 * clients), served by functions-framework on a free port. Only the environment differs.
 */
export class Poller {
  readonly logs: string[] = [];
  url = '';
  /** The `ping` function of the same deployment, served beside `poll`. */
  pingUrl = '';
  /** The `status` function of the same deployment (STATUS_PUBLIC as `env` says). */
  statusUrl = '';
  /** The poll's dependencies, as the status function would have them (its store, its clock). */
  deps!: Dependencies;
  private server!: Server;
  private pingServer!: Server;
  private statusServer!: Server;
  readonly targetsFile: string;

  private constructor(targetsFile: string) {
    this.targetsFile = targetsFile;
  }

  /**
   * `pingEnv`: the ping function's own environment, when it differs from the poll's (as deployed:
   * terraform/ping.tf gives it less). Without it both run with `env`, as `npm start` would.
   */
  static async start(
    env: Record<string, string>,
    yaml: string,
    options: {
      clock?: () => Date;
      pingEnv?: Record<string, string>;
      /** Adjusts the real dependencies (shorter budgets, a store that cannot be reached). */
      configure?: (deps: Dependencies) => void;
    } = {},
  ): Promise<Poller> {
    const dir = await mkdtemp(join(tmpdir(), 'poller-'));
    const poller = new Poller(join(dir, 'targets.yaml'));
    await poller.writeTargets(yaml);
    const log = jsonLogger((line) => poller.logs.push(line));
    const wire = (environment: Record<string, string>) => {
      const fullEnv = { ...environment, TARGETS_FILE: poller.targetsFile };
      const settings = readSettings(fullEnv);
      const deps = createDependencies(settings, fullEnv, log);
      if (options.clock) deps.clock = options.clock;
      options.configure?.(deps);
      return { settings, deps };
    };
    const pollSide = wire(env);
    const pingSide = options.pingEnv ? wire(options.pingEnv) : pollSide;
    const id = randomUUID();
    http(`poll-${id}`, createPollHandler(pollSide.deps));
    http(`ping-${id}`, createPingHandler(pingSide.deps, pingSide.settings.pingKey));
    http(`status-${id}`, createStatusHandler(pollSide.deps, pollSide.settings.statusPublic));
    poller.deps = pollSide.deps;
    poller.server = getTestServer(`poll-${id}`);
    poller.pingServer = getTestServer(`ping-${id}`);
    poller.statusServer = getTestServer(`status-${id}`);
    poller.url = await serve(poller.server);
    poller.pingUrl = await serve(poller.pingServer);
    poller.statusUrl = await serve(poller.statusServer);
    return poller;
  }

  writeTargets(yaml: string): Promise<void> {
    return writeFile(this.targetsFile, yaml);
  }

  /** Triggers a poll the way Cloud Scheduler or an operator's curl does. */
  async poll(query = ''): Promise<{ status: number; report: PollReport; raw: string }> {
    const response = await fetch(`${this.url}/${query}`, { method: 'POST' });
    const raw = await response.text();
    return { status: response.status, report: JSON.parse(raw) as PollReport, raw };
  }

  /** Pings as a job would: `path` is `/<key>/<target>[/start|/fail|/<code>]` with any query. */
  async ping(path: string, init: RequestInit = {}): Promise<{ status: number; body: string }> {
    const response = await fetch(`${this.pingUrl}${path}`, init);
    return { status: response.status, body: await response.text() };
  }

  async close(): Promise<void> {
    await Promise.all([stop(this.server), stop(this.pingServer), stop(this.statusServer)]);
  }
}

async function serve(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => {
      resolve();
    });
  });
}
