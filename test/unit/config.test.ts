import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/config/errors.ts';
import { loadConfig, parseConfig } from '../../functions/config/load.ts';

const env = { GOOGLE_CLOUD_PROJECT: 'acme-data', QMONUS_TOKEN: 's3cret-token' };

function errorOf(yaml: string, environment: NodeJS.ProcessEnv = env): string {
  try {
    parseConfig(yaml, 'targets.yaml', environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('the targets file', () => {
  it('ships an example that parses, so a broken shipped config fails CI', async () => {
    const config = await loadConfig('config/targets.yaml', {});
    expect(config.targets.map((t) => `${t.name}:${t.kind}`)).toEqual([
      'orders-stream:datastream',
      'qmonus-prod:cluster-heartbeat',
      'nightly-backup:push',
    ]);
  });

  it('ships a JSON Schema that matches the zod schema', async () => {
    const { targetsJsonSchema } = await import('../../scripts/write-schema.ts');
    const shipped = JSON.parse(await readFile('config/targets.schema.json', 'utf8')) as unknown;
    expect(shipped).toEqual(targetsJsonSchema());
  });

  it('fills in defaults: timeout, mention, allowed states and pod rules', () => {
    const { concurrency, targets } = parseConfig(
      `
defaults: { mention: "<!subteam^S1>" }
targets:
  - { name: s, kind: datastream, location: asia-northeast1, stream: orders }
  - { name: c, kind: cluster-heartbeat, url: "https://x.example/heartbeat?cluster=true", pod: { database: [true, false] } }
`,
      'targets.yaml',
      env,
    );
    expect(concurrency).toBe(64);
    expect(targets[0]).toMatchObject({
      project: 'acme-data',
      timeout: 10_000,
      mention: ['<!subteam^S1>'],
      allowedStates: ['RUNNING', 'STARTING'],
    });
    expect(targets[1]).toMatchObject({
      allowedStates: ['HEALTHY'],
      components: {},
      headers: {},
      pod: { outofservice: [false], database: [true, false], memorystore: [true] },
    });
  });

  it('lets a target override the defaults', () => {
    const { targets } = parseConfig(
      `
defaults: { mention: "<!subteam^S1>", timeout: 10s }
targets:
  - name: s
    kind: datastream
    stream: projects/p/locations/l/streams/s
    mention: ["<@U1>", "<!here>"]
    timeout: 500ms
    allowedStates: [RUNNING]
`,
      'targets.yaml',
      {},
    );
    expect(targets[0]).toMatchObject({
      mention: ['<@U1>', '<!here>'],
      timeout: 500,
      allowedStates: ['RUNNING'],
    });
  });

  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['2m', 120_000],
    [3, 3000],
    [0.5, 500],
  ])('reads the duration %j as %i ms', (timeout, millis) => {
    const { targets } = parseConfig(
      `targets: [{ name: s, kind: datastream, stream: projects/p/locations/l/streams/s, timeout: ${JSON.stringify(timeout)} }]`,
      'targets.yaml',
      {},
    );
    expect(targets[0]?.timeout).toBe(millis);
  });

  it.each([
    [3, { count: 3 }],
    ['10m', { forMs: 600_000 }],
  ])('reads failureThreshold %j as %j', (threshold, expected) => {
    const { targets } = parseConfig(
      `targets: [{ name: s, kind: datastream, stream: projects/p/locations/l/streams/s, failureThreshold: ${JSON.stringify(threshold)} }]`,
      'targets.yaml',
      {},
    );
    expect(targets[0]?.failureThreshold).toEqual(expected);
    expect(targets[0]?.successThreshold).toEqual({ count: 1 });
  });

  it('expands ${VAR} in header values from the environment', () => {
    const { targets } = parseConfig(
      `targets: [{ name: c, kind: cluster-heartbeat, url: "https://x/h", headers: { Authorization: "Bearer \${QMONUS_TOKEN}" } }]`,
      'targets.yaml',
      env,
    );
    expect(targets[0]).toMatchObject({ headers: { Authorization: 'Bearer s3cret-token' } });
  });

  it('accepts components as a list or as minimum pod counts', () => {
    const { targets } = parseConfig(
      `
targets:
  - { name: a, kind: cluster-heartbeat, url: "https://x/h", components: [APIGW, SCENARIO] }
  - { name: b, kind: cluster-heartbeat, url: "https://x/h", components: { APIGW: 2 } }
`,
      'targets.yaml',
      {},
    );
    expect(targets.map((t) => (t.kind === 'cluster-heartbeat' ? t.components : null))).toEqual([
      { APIGW: 1, SCENARIO: 1 },
      { APIGW: 2 },
    ]);
  });

  it.each([
    [
      'an unknown kind, with the line and the kinds there are',
      `targets:
  - name: a
    kind: datastream
    stream: projects/p/locations/l/streams/s
  - name: b
    kind: datastream
    stream: projects/p/locations/l/streams/s
  - name: c
    kind: nonsense
`,
      'targets[2].kind: unknown kind "nonsense" (line 9); expected datastream | cluster-heartbeat',
    ],
    [
      'an unknown key, named',
      `targets:
  - name: a
    kind: datastream
    stream: projects/p/locations/l/streams/s
    alowedStates: [RUNNING]
`,
      'targets[0].alowedStates: unknown key (line 5)',
    ],
    [
      'a duplicate name',
      `targets:
  - { name: a, kind: datastream, stream: projects/p/locations/l/streams/s }
  - { name: a, kind: datastream, stream: projects/p/locations/l/streams/t }
`,
      'targets[1].name: duplicate name "a" (line 3)',
    ],
    [
      'a missing environment variable, by name',
      `targets:
  - name: c
    kind: cluster-heartbeat
    url: https://x/h
    headers:
      Authorization: "Bearer \${NOT_SET_ANYWHERE}"
`,
      'targets[0].headers.Authorization: environment variable NOT_SET_ANYWHERE is not set (line 6)',
    ],
    [
      'a duration without a unit',
      `targets: [{ name: a, kind: datastream, stream: projects/p/locations/l/streams/s, timeout: "10" }]`,
      'targets[0].timeout: invalid duration "10" (line 1); expected e.g. 500ms, 10s, 2m or a number of seconds',
    ],
    [
      'a stream id without its location',
      `targets: [{ name: a, kind: datastream, project: p, stream: orders }]`,
      'targets[0].location: is required unless stream is a full projects/*/locations/*/streams/* name (line 1)',
    ],
    [
      'a name Firestore cannot store',
      `targets: [{ name: "a/b", kind: datastream, stream: projects/p/locations/l/streams/s }]`,
      'targets[0].name: must be 1 to 100 letters, digits, "-", "_" or "." (line 1)',
    ],
    [
      'a URL that is not http',
      `targets: [{ name: c, kind: cluster-heartbeat, url: "ftp://x/h" }]`,
      'targets[0].url: must be an http(s) URL (line 1)',
    ],
    [
      'a route that is not defined',
      `routes: { data: SLACK_WEBHOOK_DATA }\ntargets: [{ name: a, kind: datastream, stream: projects/p/locations/l/streams/s, route: dta }]`,
      'targets[0].route: unknown route "dta" (line 2); expected default | data',
    ],
    [
      'a route whose webhook variable is not set',
      `routes:\n  data: SLACK_WEBHOOK_NOT_SET\ntargets: []`,
      'routes.data: environment variable SLACK_WEBHOOK_NOT_SET is not set (line 2)',
    ],
    ['broken YAML', `targets:\n  - name: a\n   kind: [`, '(root): YAML syntax:'],
  ])('rejects %s', (_, yaml, expected) => {
    expect(errorOf(yaml)).toContain(expected);
  });

  it('rejects a stream without a project when GOOGLE_CLOUD_PROJECT is not set', () => {
    expect(errorOf('targets: [{ name: a, kind: datastream, location: l, stream: s }]', {})).toContain(
      'targets[0].project: is required because GOOGLE_CLOUD_PROJECT is not set (line 1)',
    );
  });

  it('names the file when it cannot be read', async () => {
    await expect(loadConfig('config/no-such-file.yaml', {})).rejects.toThrow(
      /invalid targets file config\/no-such-file.yaml: \(root\): cannot read the file: ENOENT/,
    );
  });
});
