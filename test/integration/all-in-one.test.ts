import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PollReport } from '../../functions/app/report.ts';
import { startFunction, type FunctionProcess } from '../support/function-process.ts';

const KEY = 'k3y-0123456789abcdef';

/** `npm start`: poll, ping and a schedule in one process, states in memory, as a newcomer runs it. */
describe('the local all-in-one', () => {
  let fn: FunctionProcess;

  beforeAll(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'all-in-one-'));
    const targetsFile = join(dir, 'targets.yaml');
    await writeFile(
      targetsFile,
      'targets:\n  - { name: nightly-backup, kind: push, every: 2s, grace: 1s }\n',
    );
    fn = await startFunction(
      'all',
      { STATE_STORE: 'memory', PING_KEY: KEY, TARGETS_FILE: targetsFile, POLL_EVERY: '1s' },
      '/?dryRun=true',
    );
  }, 30_000);

  afterAll(() => {
    fn.child.kill();
  });

  const state = async () => {
    const report = (await (await fetch(`${fn.url}/?dryRun=true`)).json()) as PollReport;
    return report.targets[0]?.state;
  };

  it('takes a ping under /ping/, into the store the poll reads', async () => {
    expect(await (await fetch(`${fn.url}/ping/${KEY}/nightly-backup`)).text()).toBe('OK\n');
    expect(await state()).toBe('UP');
  });

  it('polls by itself, so a push target that stops pinging goes DOWN with no one calling it', async () => {
    // POLL_EVERY=1s: within a few seconds the missed ping is noticed and recorded.
    while (!fn.output().stdout.includes('"message":"nightly-backup: DOWN (was')) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await state()).toBe('DOWN');
  });

  it('answers 404 for any path but /, /ping/… and /status/…', async () => {
    // A stray request (a browser asks for more than it was given) must not run a poll.
    const answer = await fetch(`${fn.url}/index.html`);
    expect([answer.status, await answer.text()]).toEqual([
      404,
      'not found: the poll is on /, pings under /ping/, the status page on /status/\n',
    ]);
  });
});
