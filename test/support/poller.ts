import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http } from '@google-cloud/functions-framework';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { createDependencies } from '../../functions/dependencies.ts';
import { createPollHandler } from '../../functions/handler.ts';
import { jsonLogger } from '../../functions/log.ts';
import type { PollReport } from '../../functions/poll.ts';
import { readSettings } from '../../functions/settings.ts';

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
  private server!: Server;
  readonly targetsFile: string;

  private constructor(targetsFile: string) {
    this.targetsFile = targetsFile;
  }

  static async start(env: Record<string, string>, yaml: string): Promise<Poller> {
    const dir = await mkdtemp(join(tmpdir(), 'poller-'));
    const poller = new Poller(join(dir, 'targets.yaml'));
    await poller.writeTargets(yaml);
    const fullEnv = { ...env, TARGETS_FILE: poller.targetsFile };
    const log = jsonLogger((line) => poller.logs.push(line));
    const name = `poll-${randomUUID()}`;
    http(name, createPollHandler(createDependencies(readSettings(fullEnv), fullEnv, log)));
    poller.server = getTestServer(name);
    await new Promise<void>((resolve) => poller.server.listen(0, '127.0.0.1', resolve));
    poller.url = `http://127.0.0.1:${(poller.server.address() as AddressInfo).port}`;
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

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => {
        resolve();
      });
    });
  }
}
