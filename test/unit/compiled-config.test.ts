import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validate } from '../../cli/validate.ts';
import { compiledPath, compileFile, sourceHash } from '../../functions/config/compiled.ts';
import { loadConfig } from '../../functions/config/load.ts';
import { parseConfig } from '../../functions/config/parse.ts';
import { resolveAll } from '../../functions/config/resolve.ts';

/** A file that uses most of what a targets file can say. */
const RICH = `
concurrency: 16
routes: { data: SLACK_WEBHOOK_DATA }
defaults:
  remindEvery: 4h
  failureThreshold: 3
  maintenance:
    - { schedule: "0 2 * * SUN", duration: 2h, timezone: Asia/Tokyo }
targets:
  - name: qmonus-prod
    kind: cluster-heartbeat
    url: https://qmonus.example/heartbeat?cluster=true
    headers: { X-Api-Key: "\${QMONUS_TOKEN}" }
    timeout: 5s
    components: [APIGW, SCENARIO]
    pod: { database: [true], status: [RUNNING, STARTING] }
    successThreshold: 2m
  - { name: orders, kind: datastream, project: p, location: asia-northeast1, stream: orders, objects: true, maxFreshness: 15m, route: data, dependsOn: [qmonus-prod] }
  - { name: backup, kind: push, schedule: "0 3 * * *", grace: 30m, remindEvery: null }
  - { name: sql, kind: cloudsql, project: p, instance: main, allowedStates: [RUNNABLE, MAINTENANCE] }
  - { name: jobs, kind: dataflow, project: p, location: us-central1, job: "*" }
`;

async function fileWith(text: string): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'compiled-')), 'targets.yaml');
  await writeFile(file, text);
  return file;
}

/** What a config holds, without its functions. */
const data = ({
  concurrency,
  routes,
  targets,
}: {
  concurrency: number;
  routes: object;
  targets: object[];
}) => ({
  concurrency,
  routes,
  targets,
});

describe('a compiled targets file', () => {
  it('holds exactly what parsing the file gives', async () => {
    const file = await fileWith(RICH);
    await compileFile(file);
    const compiled = await loadConfig(file);
    expect(data(compiled)).toStrictEqual(data(parseConfig(RICH, file)));
    // The repository's own file too.
    const own = await fileWith(await readFile('config/targets.yaml', 'utf8'));
    await compileFile(own);
    expect(data(await loadConfig(own))).toStrictEqual(data(parseConfig(await readFile(own, 'utf8'), own)));
  });

  it('stands in for the file it was made from, and only for that very text', async () => {
    const file = await fileWith('targets:\n  - { name: a, kind: push, every: 1d }\n');
    // Forged for the file's text, so that what loadConfig returns shows which one it read.
    const config = {
      concurrency: 64,
      routes: {},
      weeklyReports: [],
      targets: [{ name: 'from-compiled', kind: 'push' }],
    };
    await writeFile(
      compiledPath(file),
      JSON.stringify({ format: 2, source: sourceHash(await readFile(file, 'utf8')), config }),
    );
    expect((await loadConfig(file)).targets.map((t) => t.name)).toEqual(['from-compiled']);

    await writeFile(file, 'targets:\n  - { name: edited, kind: push, every: 1d }\n');
    expect((await loadConfig(file)).targets.map((t) => t.name)).toEqual(['edited']);
  });

  it('is ignored when it cannot be read or is of another format', async () => {
    const file = await fileWith('targets:\n  - { name: a, kind: push, every: 1d }\n');
    const source = sourceHash(await readFile(file, 'utf8'));
    await writeFile(compiledPath(file), '{"format": 1, "source": "');
    expect((await loadConfig(file)).targets.map((t) => t.name)).toEqual(['a']);
    await writeFile(compiledPath(file), JSON.stringify({ format: 0, source, config: { targets: [] } }));
    await writeFile(file, 'targets:\n  - { name: b, kind: push, every: 1d }\n'); // a new text: read again
    expect((await loadConfig(file)).targets.map((t) => t.name)).toEqual(['b']);
  });

  it('still names the line of what the environment lacks', async () => {
    const file = await fileWith(RICH);
    await compileFile(file);
    const config = await loadConfig(file);
    expect(() => resolveAll(config, config.targets, {})).toThrow(
      /targets\[0\]\.headers\.X-Api-Key: environment variable QMONUS_TOKEN is not set \(line 13\)/,
    );
  });

  it('is never what `validate` reads: it checks the file itself', async () => {
    const file = await fileWith('targets:\n  - { name: a, kind: push, evry: 1d }\n');
    const config = { concurrency: 64, routes: {}, targets: [] };
    await writeFile(
      compiledPath(file),
      JSON.stringify({ format: 1, source: sourceHash(await readFile(file, 'utf8')), config }),
    );
    const err: string[] = [];
    const code = await validate(file, { env: false }, { env: {}, out: () => {}, err: (l) => err.push(l) });
    expect(code).toBe(1);
    expect(err.join('\n')).toMatch(/evry: unknown key \(line 2\)/);
  });

  it('is refused with the file’s own errors when the file is invalid', async () => {
    const file = await fileWith('targets:\n  - { name: a, kind: pussh }\n');
    await expect(compileFile(file)).rejects.toThrow(/targets\[0\]\.kind/);
  });
});
