import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/config/errors.ts';
import { loadConfig } from '../../functions/config/load.ts';
import { MAX_FILE_BYTES } from '../../functions/config/read-targets.ts';
import { parseConfig } from '../../functions/config/parse.ts';
import { resolveAll, resolveOnly } from '../../functions/config/resolve.ts';
import { kinds } from '../../functions/config/schema.ts';

const env = {
  GOOGLE_CLOUD_PROJECT: 'acme-data',
  QMONUS_TOKEN: 's3cret-token',
  NOT_A_URL_WEBHOOK: 'hooks.slack.com/services/T/B/secret',
};

/** The file as a poll of every target sees it: validated, defaults merged, the environment resolved. */
function load(yaml: string, environment: NodeJS.ProcessEnv = env) {
  const config = parseConfig(yaml, 'targets.yaml');
  return { concurrency: config.concurrency, ...resolveAll(config, config.targets, environment) };
}

function errorOf(yaml: string, environment: NodeJS.ProcessEnv = env): string {
  try {
    load(yaml, environment);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('the targets file', () => {
  it('ships an example that is valid, whatever targets an operator adds to it', async () => {
    // Validated as a file, never pinned: an operator's own targets must not break the tests.
    const config = await loadConfig('config/targets.yaml');
    expect(config.targets.length).toBeGreaterThan(0);
  });

  it('ships a JSON Schema that matches the zod schema', async () => {
    const { targetsJsonSchema } = await import('../../scripts/write-schema.ts');
    const shipped = JSON.parse(await readFile('config/targets.schema.json', 'utf8')) as unknown;
    expect(shipped).toEqual(targetsJsonSchema());
  });

  it('fills in defaults: timeout, mention, allowed states and pod rules', () => {
    const { concurrency, targets } = load(
      `
defaults: { mention: "<!subteam^S1>" }
targets:
  - { name: s, kind: datastream, location: asia-northeast1, stream: orders }
  - { name: c, kind: cluster-heartbeat, url: "https://x.example/heartbeat?cluster=true", pod: { database: [true, false] } }
`,
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
    const { targets } = load(
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
    ['1m', 60_000],
    [3, 3000],
    [0.5, 500],
  ])('reads the duration %j as %i ms', (timeout, millis) => {
    const { targets } = load(
      `targets: [{ name: s, kind: datastream, stream: projects/p/locations/l/streams/s, timeout: ${JSON.stringify(timeout)} }]`,
      {},
    );
    expect(targets[0]?.timeout).toBe(millis);
  });

  it.each([
    [3, { count: 3 }],
    ['10m', { forMs: 600_000 }],
  ])('reads failureThreshold %j as %j', (threshold, expected) => {
    const { targets } = load(
      `targets: [{ name: s, kind: datastream, stream: projects/p/locations/l/streams/s, failureThreshold: ${JSON.stringify(threshold)} }]`,
      {},
    );
    expect(targets[0]?.failureThreshold).toEqual(expected);
    expect(targets[0]?.successThreshold).toEqual({ count: 1 });
  });

  it('gives every inherited key its default when neither the target nor defaults set it', () => {
    const { targets } = load(
      `targets: [{ name: s, kind: datastream, stream: projects/p/locations/l/streams/s }]`,
    );
    expect(targets[0]).toMatchObject({
      mention: [],
      timeout: 10_000,
      failureThreshold: { count: 1 },
      successThreshold: { count: 1 },
      remindEvery: null,
      route: 'default',
      maintenance: [],
      dependsOn: [],
    });
  });

  it('inherits every key of defaults, and lets a target turn reminders off with null', () => {
    const { targets } = load(
      `
routes: { data: SLACK_WEBHOOK_DATA }
defaults:
  mention: "<!subteam^S1>"
  timeout: 3s
  failureThreshold: 3
  successThreshold: 5m
  remindEvery: 4h
  route: data
  maintenance: [{ schedule: "0 2 * * SUN", duration: 2h }]
targets:
  - { name: a, kind: datastream, stream: projects/p/locations/l/streams/a }
  - { name: b, kind: datastream, stream: projects/p/locations/l/streams/b, remindEvery: null, maintenance: [] }
`,
      { SLACK_WEBHOOK_DATA: 'https://hooks.example/data' },
    );
    expect(targets[0]).toMatchObject({
      mention: ['<!subteam^S1>'],
      timeout: 3000,
      failureThreshold: { count: 3 },
      successThreshold: { forMs: 300_000 },
      remindEvery: 14_400_000,
      route: 'data',
      maintenance: [{ schedule: '0 2 * * SUN', duration: 7_200_000, timezone: 'Etc/UTC' }],
    });
    expect(targets[1]).toMatchObject({ remindEvery: null, maintenance: [] });
  });

  it("adds the global maintenance windows to a target's own", () => {
    const { targets } = load(`
maintenance: [{ schedule: "0 2 * * SUN", duration: 2h }]
targets:
  - name: a
    kind: datastream
    stream: projects/p/locations/l/streams/a
    maintenance: [{ schedule: "0 3 * * MON", duration: 1h, timezone: Asia/Tokyo }]
`);
    expect(targets[0]?.maintenance.map((w) => w.schedule)).toEqual(['0 2 * * SUN', '0 3 * * MON']);
  });

  it('lists every kind of the schema in the unknown-kind error', () => {
    expect(kinds).toEqual(expect.arrayContaining(['datastream', 'cluster-heartbeat', 'push']));
    expect(errorOf(`targets: [{ name: a, kind: no-such-kind }]`)).toContain(`expected ${kinds.join(' | ')}`);
  });

  it('takes a Slack app channel as a route when SLACK_BOT_TOKEN is set, beside webhooks', () => {
    const { routes } = load(
      `routes:\n  data: { channel: C0123DATA }\n  ops: SLACK_WEBHOOK_OPS\ntargets: [{ name: a, kind: push, every: 1d, route: data }]`,
      {
        ...env,
        SLACK_BOT_TOKEN: 'xoxb-1-2-secret',
        SLACK_WEBHOOK_OPS: 'https://hooks.slack.com/services/T/B/x',
      },
    );
    expect(routes).toEqual({
      data: { channel: 'C0123DATA' },
      ops: { webhook: 'https://hooks.slack.com/services/T/B/x' },
    });
  });

  it('gives a weekly report to the routes that ask, or to every route with defaults.report, unless one says none', () => {
    const reports = (yaml: string) => parseConfig(yaml, 'targets.yaml').weeklyReports;
    const targets = 'targets: [{ name: a, kind: push, every: 1d }]';
    expect(
      reports(
        `routes:\n  data: { webhook: SLACK_WEBHOOK_DATA, report: weekly }\n  ops: SLACK_WEBHOOK_OPS\n${targets}`,
      ),
    ).toEqual(['data']);
    expect(
      reports(
        `defaults: { report: weekly }\nroutes:\n  data: { channel: C0123DATA, report: none }\n  ops: SLACK_WEBHOOK_OPS\n${targets}`,
      ),
    ).toEqual(['default', 'ops']);
    expect(reports(targets)).toEqual([]);
    // The webhook form with a report resolves like the plain one; the report is no target's key.
    const config = parseConfig(
      `defaults: { report: weekly }\nroutes:\n  data: { webhook: SLACK_WEBHOOK_DATA, report: weekly }\n${targets}`,
      'targets.yaml',
    );
    expect(config.routes).toEqual({ data: 'SLACK_WEBHOOK_DATA' });
    expect(config.targets[0]).not.toHaveProperty('report');
  });

  it('refuses a report it does not make, naming field and line', () => {
    expect(
      errorOf(
        `routes:\n  data: { webhook: SLACK_WEBHOOK_DATA, report: monthly }\ntargets: [{ name: a, kind: push, every: 1d }]`,
      ),
    ).toMatch(/routes\.data\.report: .*"weekly"\|"none" \(line 2\)/);
    expect(
      errorOf(
        `routes:\n  data:\n    webhook: SLACK_WEBHOOK_DATA\n    report: weekly2\ntargets: [{ name: a, kind: push, every: 1d }]`,
      ),
    ).toMatch(/routes\.data\.report: .* \(line 4\)/);
    expect(errorOf(`routes:\n  data: lower_case\ntargets: [{ name: a, kind: push, every: 1d }]`)).toMatch(
      /routes\.data: must name an environment variable, e\.g\. SLACK_WEBHOOK_DATA \(line 2\)/,
    );
    expect(errorOf(`defaults: { report: daily }\ntargets: [{ name: a, kind: push, every: 1d }]`)).toMatch(
      /defaults\.report: .*weekly.*none.* \(line 1\)/,
    );
  });

  it('resolves, for a ping, only its own target: a variable another target needs is not asked for', () => {
    const config = parseConfig(
      `
routes: { ops: SLACK_WEBHOOK_OPS }
targets:
  - { name: c, kind: cluster-heartbeat, url: "https://x/h", headers: { Authorization: "Bearer \${QMONUS_TOKEN}" }, route: ops }
  - { name: backup, kind: push, every: 1d }
`,
      'targets.yaml',
    );
    const backup = config.targets.filter((t) => t.name === 'backup');
    expect(resolveOnly(config, backup, {})).toEqual({ targets: backup, routes: {} });
    // A route variable that holds no URL is left to the poll too, which reports it.
    expect(resolveOnly(config, backup, { SLACK_WEBHOOK_OPS: 'not-a-url' })).toEqual({
      targets: backup,
      routes: {},
    });
    expect(() => resolveAll(config, config.targets, {})).toThrow(
      /headers.Authorization: environment variable QMONUS_TOKEN is not set \(line 4\)\nroutes.ops: environment variable SLACK_WEBHOOK_OPS is not set \(line 2\)/,
    );
  });

  it('expands ${VAR} in header values from the environment', () => {
    const { targets } = load(
      `targets: [{ name: c, kind: cluster-heartbeat, url: "https://x/h", headers: { Authorization: "Bearer \${QMONUS_TOKEN}" } }]`,
      env,
    );
    expect(targets[0]).toMatchObject({ headers: { Authorization: 'Bearer s3cret-token' } });
  });

  it('accepts components as a list or as minimum pod counts', () => {
    const { targets } = load(
      `
targets:
  - { name: a, kind: cluster-heartbeat, url: "https://x/h", components: [APIGW, SCENARIO] }
  - { name: b, kind: cluster-heartbeat, url: "https://x/h", components: { APIGW: 2 } }
`,
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
      `targets[2].kind: unknown kind "nonsense" (line 9); expected ${kinds.join(' | ')}`,
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
      'a misspelt state, with the states there are',
      `targets:\n  - { name: a, kind: cloudsql, project: p, instance: db, allowedStates: [RUNABLE] }`,
      'targets[0].allowedStates[0]: "RUNABLE" is not a state a cloudsql target reports (line 2); expected SQL_INSTANCE_STATE_UNSPECIFIED | RUNNABLE | SUSPENDED | PENDING_DELETE | PENDING_CREATE | MAINTENANCE | FAILED | ONLINE_MAINTENANCE | REPAIRING | STOPPED | DELETED | NOT_FOUND | PERMISSION_DENIED | API_ERROR | UNREACHABLE | INVALID_RESPONSE',
    ],
    [
      'a route whose webhook variable holds no URL, without showing it',
      `routes:\n  data: NOT_A_URL_WEBHOOK\ntargets: [{ name: a, kind: push, every: 1d }]`,
      'routes.data: environment variable NOT_A_URL_WEBHOOK does not hold an http(s) URL (line 2)',
    ],
    [
      'a route whose webhook variable is not set',
      `routes:\n  data: SLACK_WEBHOOK_NOT_SET\ntargets: [{ name: a, kind: push, every: 1d }]`,
      'routes.data: environment variable SLACK_WEBHOOK_NOT_SET is not set (line 2)',
    ],
    [
      'a Slack app channel without SLACK_BOT_TOKEN',
      `routes:\n  data: { channel: C0123DATA }\ntargets: [{ name: a, kind: push, every: 1d, route: data }]`,
      'routes.data: channel C0123DATA is posted by the Slack app, but SLACK_BOT_TOKEN is not set (line 2)',
    ],
    [
      'a channel given by its name, not its id',
      `routes:\n  data: { channel: "#data-alerts" }\ntargets: [{ name: a, kind: push, every: 1d, route: data }]`,
      'routes.data.channel: must be a channel id such as C0123DATA (the channel’s details show it) (line 2)',
    ],
  ])('rejects %s', (_, yaml, expected) => {
    // Whole lines: a message that grew or lost a part (a kind missing from the list) fails.
    expect(errorOf(yaml).replace('invalid targets file targets.yaml: ', '').split('\n')).toContain(expected);
  });

  it.each([
    ['1.5ms', 'duration "1.5ms" is out of range (line 1); expected 100ms to 1m'],
    [0.0001, 'duration 0.0001 is out of range (line 1); expected 100ms to 1m'],
    ['25d', 'duration "25d" is out of range (line 1); expected 100ms to 1m'],
    ['50d', 'duration "50d" is out of range (line 1); expected 100ms to 1m'],
  ])('rejects a timeout of %j that no check could keep, with field and line', (timeout, expected) => {
    expect(
      errorOf(`targets: [{ name: a, kind: push, every: 1d, timeout: ${JSON.stringify(timeout)} }]`),
    ).toBe(`invalid targets file targets.yaml: targets[0].timeout: ${expected}`);
  });

  it.each([
    ['every', '0.5'],
    ['grace', '"500d"'],
    ['remindEvery', '"10ms"'],
    ['failureThreshold', '"100ms"'],
    ['maxRuntime', '"401d"'],
  ])('rejects %s: %s outside a second to 400 days', (key, value) => {
    expect(errorOf(`targets: [{ name: a, kind: push, schedule: "0 3 * * *", ${key}: ${value} }]`)).toMatch(
      new RegExp(
        `targets\\[0\\]\\.${key}(\\.every)?: duration .* is out of range \\(line 1\\); expected 1s to 400d`,
      ),
    );
  });

  it.each([
    ['an empty file', '', 'targets: is missing: the file must list at least one target'],
    [
      'a file of comments',
      '# nothing yet\n# still nothing\n',
      'targets: is missing: the file must list at least one target',
    ],
    ['an empty list', 'targets: []\n', 'targets: lists no targets: the file must list at least one (line 1)'],
  ])('refuses %s: an empty watch would forget every stored state', (_, yaml, expected) => {
    expect(errorOf(yaml)).toBe(`invalid targets file targets.yaml: ${expected}`);
  });

  it('lists the first 20 issues of a file full of them, then how many more', () => {
    const yaml = `targets:\n${Array.from({ length: 500 }, (_, i) => `  - { name: t${i}, kind: nope }`).join('\n')}`;
    const lines = errorOf(yaml).split('\n');
    expect(lines).toHaveLength(21);
    expect(lines.at(-1)).toBe('…and 480 more issues');
  });

  it('refuses a file over 2 MiB before parsing it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'big-'));
    const file = join(dir, 'targets.yaml');
    await writeFile(file, `# ${'x'.repeat(MAX_FILE_BYTES)}\n`);
    await expect(loadConfig(file)).rejects.toThrow(
      `invalid targets file ${file}: (root): the file is ${MAX_FILE_BYTES + 3} bytes; at most ${MAX_FILE_BYTES} are read (2 MiB)`,
    );
  });

  it('names the file when YAML aliases would expand without end', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...Array.from({ length: 12 }, (_, i) => {
        const name = String.fromCharCode(98 + i);
        const previous = String.fromCharCode(97 + i);
        return `${name}: &${name} [*${previous}, *${previous}, *${previous}, *${previous}, *${previous}, *${previous}, *${previous}, *${previous}, *${previous}]`;
      }),
    ].join('\n');
    expect(errorOf(bomb)).toMatch(/^invalid targets file targets\.yaml: \(root\): YAML: .*alias/i);
  });

  it('rejects broken YAML with its line', () => {
    expect(errorOf(`targets:\n  - name: a\n   kind: [`)).toMatch(
      /^invalid targets file targets.yaml: \(root\): YAML syntax: .+ \(line \d\)/,
    );
  });

  it('gives a Google resource kind the function’s own project when it names none', () => {
    const { targets } = load('targets: [{ name: db, kind: cloudsql, instance: orders-db }]');
    expect(targets[0]).toMatchObject({ project: 'acme-data' });
    expect(errorOf('targets: [{ name: db, kind: redis, location: l, instance: cache }]', {})).toContain(
      'targets[0].project: is required because GOOGLE_CLOUD_PROJECT is not set (line 1)',
    );
  });

  it('rejects a stream without a project when GOOGLE_CLOUD_PROJECT is not set', () => {
    expect(errorOf('targets: [{ name: a, kind: datastream, location: l, stream: s }]', {})).toContain(
      'targets[0].project: is required because GOOGLE_CLOUD_PROJECT is not set (line 1)',
    );
  });

  it('names the file when it cannot be read', async () => {
    await expect(loadConfig('config/no-such-file.yaml')).rejects.toThrow(
      /invalid targets file config\/no-such-file.yaml: \(root\): cannot read the file: ENOENT/,
    );
  });
});
