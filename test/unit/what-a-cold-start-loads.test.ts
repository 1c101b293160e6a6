import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileFile } from '../../functions/config/compiled.ts';
import { startFunction, type FunctionProcess } from '../support/function-process.ts';

const KEY = 'k3y-0123456789abcdef';
const TARGETS = `targets:
  - { name: backup, kind: push, every: 1d }
  - { name: qmonus, kind: cluster-heartbeat, url: "http://127.0.0.1:9/heartbeat", timeout: 1s }
  - { name: sql, kind: cloudsql, project: p, instance: main }
`;

let running: FunctionProcess | undefined;
afterEach(() => {
  running?.child.kill();
  running = undefined;
});

/**
 * Serves `target` as Cloud Run does, sends it `request`, and lists every module the process
 * loaded by then (the project's own files relative to it, packages by name).
 */
async function loadedBy(
  target: 'poll' | 'ping' | 'status',
  request: string,
  options: { compiled: boolean; env?: Record<string, string> },
): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'cold-'));
  const file = join(dir, 'targets.yaml');
  await writeFile(file, TARGETS);
  if (options.compiled) await compileFile(file);
  const record = join(dir, 'loaded.txt');
  running = await startFunction(
    target,
    {
      STATE_STORE: 'memory',
      TARGETS_FILE: file,
      PING_KEY: KEY,
      RECORD_MODULES: record,
      NODE_OPTIONS: `--import=${resolve('test/support/record-modules.ts')}`,
      ...options.env,
    },
    '/healthz-not-a-route',
  );
  // The status function is read-only: it answers GET only.
  const response = await fetch(`${running.url}${request}`, { method: target === 'status' ? 'GET' : 'POST' });
  expect(response.status).toBeLessThan(300);
  const root = `file://${resolve('.')}/`;
  return [
    ...new Set(
      (await readFile(record, 'utf8'))
        .split('\n')
        .filter((url) => url.startsWith(root))
        .map((url) => url.slice(root.length))
        .map((path) => /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path),
    ),
  ];
}

describe('what a cold start loads', () => {
  it('a public status page: the page and the store, no kind of its file, no YAML parser, no zod, no Slack, no poll', async () => {
    const loaded = await loadedBy('status', '/', { compiled: true, env: { STATUS_PUBLIC: 'true' } });
    expect(loaded).toContain('functions/status/page.ts');
    // Its file has a heartbeat and a Cloud SQL target: a public page links to no console, loads no kind.
    expect(loaded).toEqual(
      expect.not.arrayContaining([
        'functions/checks/cluster-heartbeat.ts',
        'functions/checks/cloudsql.ts',
        'functions/checks/google-resource.ts',
      ]),
    );
    for (const module of [
      'yaml',
      'zod',
      '@slack/web-api',
      '@slack/webhook',
      'functions/http/poll-handler.ts',
      'functions/http/ping-handler.ts',
    ]) {
      expect(loaded).not.toContain(module);
    }
  });

  it('a ping, from a compiled targets file: its kind and the cycle, no YAML parser, no zod, no other kind', async () => {
    const loaded = await loadedBy('ping', `/${KEY}/backup`, { compiled: true });
    expect(loaded).toContain('functions/checks/push.ts');
    expect(loaded).toContain('functions/app/cycle.ts');
    expect(loaded).not.toContain('yaml');
    expect(loaded).not.toContain('zod');
    expect(loaded.filter((path) => path.startsWith('functions/checks/'))).toEqual(
      expect.not.arrayContaining([
        'functions/checks/cluster-heartbeat.ts',
        'functions/checks/cloudsql.ts',
        'functions/checks/google-resource.ts',
      ]),
    );
    expect(loaded).not.toContain('functions/http/poll-handler.ts');
    expect(loaded).not.toContain('@google-cloud/firestore');
    expect(loaded).not.toContain('@slack/web-api');
  });

  it('a poll, from a compiled targets file: the kinds its file has, and no YAML parser', async () => {
    const loaded = await loadedBy('poll', '/?dryRun=true&target=qmonus', { compiled: true });
    expect(loaded).toContain('functions/checks/cluster-heartbeat.ts');
    expect(loaded).not.toContain('yaml');
    expect(loaded).not.toContain('functions/checks/datastream.ts');
    expect(loaded).not.toContain('functions/http/ping-handler.ts');
  });

  it('a ping from a YAML file parses it: the parser and the schema are what the compiled file spares', async () => {
    const loaded = await loadedBy('ping', `/${KEY}/backup`, { compiled: false });
    expect(loaded).toContain('yaml');
    expect(loaded).toContain('zod');
    expect(loaded).toContain('functions/config/parse.ts');
  });
});
