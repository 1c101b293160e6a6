import { Cron } from 'croner';
import { z } from 'zod';
import { duration, durationIn, durationWithUnit } from './duration-schema.ts';
import { TIMEOUT_RANGE } from './duration.ts';
import { DEFAULT_ROUTE } from './default-route.ts';

const DEFAULT_CONCURRENCY = 64;
const DEFAULT_POD_RULES = { outofservice: [false], database: [true], memorystore: [true] };

const mention = z
  .union([z.string().min(1), z.array(z.string().min(1))])
  .transform((value) => (typeof value === 'string' ? [value] : value))
  .describe(
    'Slack mention(s) put in front of an alert, in raw Slack syntax: <!subteam^ID>, <@U123>, <!here>',
  );

const targetName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, 'must be 1 to 100 letters, digits, "-", "_" or "."')
  .refine((name) => !/^\.{1,2}$/.test(name) && !/^__.*__$/.test(name), {
    message: 'is reserved by Firestore ("." , ".." and __names__ cannot be document ids)',
  })
  .describe('Unique name of the target; the key of its state in Firestore');

const stateList = z.array(z.string().min(1)).min(1);

/** A five-field cron expression, checked by the same library that evaluates it. */
const cronExpression = z.string().superRefine((value, ctx) => {
  if (value.trim().split(/\s+/).length !== 5) {
    ctx.addIssue({ code: 'custom', message: 'must be a cron expression with five fields, e.g. "5 * * * *"' });
    return;
  }
  try {
    new Cron(value, { paused: true });
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `invalid cron expression: ${(error as Error).message}` });
  }
});

const timeZone = z.string().refine(
  (zone) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'is not an IANA time zone such as Asia/Tokyo or Etc/UTC' },
);

/** A recurring maintenance window: changes are recorded but not sent while it lasts. */
const maintenanceWindow = z.strictObject({
  schedule: cronExpression.describe(
    'When the window starts, as a five-field cron expression, e.g. "0 2 * * SUN"',
  ),
  duration: duration.describe('How long it lasts, e.g. 2h'),
  timezone: timeZone.default('Etc/UTC').describe('IANA time zone of schedule'),
});

/** How long a change of health must last before it counts: a number of polls, or a duration. */
export type Threshold = { count: number } | { forMs: number };

// One schema rather than a union, so that a bad value gets the reason, not zod's "Invalid input".
const threshold = z.union([z.number(), z.string()]).transform((value, ctx): Threshold => {
  if (typeof value === 'string') {
    const forMs = durationWithUnit.safeParse(value);
    if (forMs.success) return { forMs: forMs.data };
    for (const issue of forMs.error.issues) ctx.addIssue({ code: 'custom', message: issue.message });
    return z.NEVER;
  }
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    ctx.addIssue({
      code: 'custom',
      message: `${value} is not a count of polls from 1 to 100, nor a duration such as 10m`,
    });
    return z.NEVER;
  }
  return { count: value };
});

/**
 * Keys a target inherits from `defaults:` when it does not set them. Declared once: `defaults:`
 * takes them with the defaults below, every target takes them as optional, and the merge in
 * {@link targetsFile} walks this list.
 */
const inherited = {
  mention,
  timeout: durationIn(TIMEOUT_RANGE).describe(
    'Check timeout, 100ms to 1m: 500ms, 10s or a number of seconds',
  ),
  failureThreshold: threshold.describe(
    'Unhealthy polls in a row (3), or for how long (10m), before an alert; default 1',
  ),
  successThreshold: threshold.describe(
    'Healthy polls in a row (2), or for how long (5m), before a recovery; default 1',
  ),
  remindEvery: duration
    .nullable()
    .describe('While still unhealthy, remind (with the mention) at this interval; null: never'),
  route: z
    .string()
    .min(1)
    .describe(
      "Name of the Slack route (see routes) that gets this target's messages; default: SLACK_WEBHOOK_URL",
    ),
  maintenance: z
    .array(maintenanceWindow)
    .describe("Maintenance windows of the target, in addition to the file's global ones"),
};
type InheritedShape = typeof inherited;
export type InheritedKey = keyof InheritedShape;

/** The environment variable that holds a route's incoming webhook URL (a secret: never in the file). */
const webhookVariable = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]*$/, 'must name an environment variable, e.g. SLACK_WEBHOOK_DATA');

/** Reports a route gets besides alerts: `weekly`, every Monday (UTC), uptime and incidents of the week before; `none`. */
const reportSchema = z
  .enum(['weekly', 'none'])
  .describe(
    'weekly: every Monday (UTC), the uptime and incidents of the week before, in one message; none: no report',
  );

/** What a target gets when neither it nor `defaults:` sets a key, written as in the YAML. */
const inheritedDefaults: { [K in InheritedKey]: z.input<InheritedShape[K]> } = {
  mention: [],
  timeout: '10s',
  failureThreshold: 1,
  successThreshold: 1,
  remindEvery: null,
  route: DEFAULT_ROUTE,
  maintenance: [],
};

const defaults = z
  .strictObject({
    ...(Object.fromEntries(
      Object.entries(inherited).map(([key, schema]) => [
        key,
        // prefault: the default is parsed like YAML input, so '10s' becomes 10000 as a written value would.
        z.prefault(schema as z.ZodType, inheritedDefaults[key as InheritedKey]),
      ]),
    ) as { [K in InheritedKey]: z.ZodPrefault<InheritedShape[K]> }),
    // Not a target's: the report of every route (the default one included) that sets none.
    report: reportSchema.default('none'),
  })
  .prefault({})
  .describe("Values every target gets unless it sets its own; report: the routes' reports");
export type Inherited = Omit<z.output<typeof defaults>, 'report'>;

/** Keys every kind accepts. */
const common = {
  name: targetName,
  ...z.strictObject(inherited).partial().shape,
  dependsOn: z
    .array(targetName)
    .default([])
    .describe(
      "Targets this one depends on: while one of them is unhealthy, this target's alerts are held back",
    ),
};

const datastreamTarget = z
  .strictObject({
    ...common,
    kind: z.literal('datastream'),
    project: z.string().min(1).optional().describe('Project of the stream; default: GOOGLE_CLOUD_PROJECT'),
    location: z.string().min(1).optional().describe('Region of the stream, e.g. asia-northeast1'),
    stream: z
      .string()
      .min(1)
      .describe(
        'Stream id, a full projects/*/locations/*/streams/* name (then project and location are not needed), or "*" for every stream (each watched as <name>/<id>)',
      ),
    objects: z
      .boolean()
      .default(false)
      .describe(
        "Also read the stream's objects: a table whose backfill failed or that has errors is OBJECT_ERRORS",
      ),
    maxFreshness: duration
      .optional()
      .describe(
        "Also read the stream's freshness from Cloud Monitoring: older data than this is STALE, e.g. 15m",
      ),
    allowedStates: stateList.default(['RUNNING', 'STARTING']).describe('States that count as healthy'),
  })
  .superRefine((target, ctx) => {
    if (!target.stream.startsWith('projects/') && target.location === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['location'],
        message: 'is required unless stream is a full projects/*/locations/*/streams/* name',
      });
    }
  });

const podFieldValues = z.array(z.union([z.boolean(), z.string(), z.number()]));

const clusterHeartbeatTarget = z.strictObject({
  ...common,
  kind: z.literal('cluster-heartbeat'),
  url: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .describe('The heartbeat URL, e.g. https://apigw.example/heartbeat?cluster=true'),
  headers: z
    .record(z.string(), z.string())
    .default({})
    .describe(
      'Request headers; ${VAR} in a value is read from the environment (keep tokens out of the YAML)',
    ),
  components: z
    .union([z.array(z.string().min(1)), z.record(z.string(), z.int().positive())])
    .prefault([])
    .transform((value) => (Array.isArray(value) ? Object.fromEntries(value.map((name) => [name, 1])) : value))
    .describe(
      'Components that must be present: a list (at least one pod each) or a map of minimum pod counts',
    ),
  pod: z
    .record(z.string(), podFieldValues)
    .prefault({})
    .transform((rules) => ({ ...DEFAULT_POD_RULES, ...rules }))
    .describe(
      'Allowed values of each pod field; merged over outofservice: [false], database: [true], memorystore: [true]',
    ),
  allowedStates: stateList.default(['HEALTHY']).describe('States that count as healthy'),
});

/** A job that checks in (dead-man's switch): late when its ping does not come. */
const pushTarget = z
  .strictObject({
    ...common,
    kind: z.literal('push'),
    every: duration.optional().describe('Expected period between successful pings (or use schedule)'),
    schedule: cronExpression
      .optional()
      .describe('When the job runs, as a five-field cron expression (or use every)'),
    timezone: timeZone.default('Etc/UTC').describe('IANA time zone of schedule'),
    grace: duration.prefault('1h').describe('How late a ping may be before the target is DOWN'),
    maxRuntime: duration.optional().describe('A run that started but did not finish within this is DOWN'),
    allowedStates: stateList
      .default(['NEW', 'UP', 'STARTED', 'LATE'])
      .describe('States that count as healthy'),
  })
  .superRefine((target, ctx) => {
    if ((target.every === undefined) === (target.schedule === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['every'], message: 'give exactly one of every and schedule' });
    }
  });

/** An optional `project`: the function's own (GOOGLE_CLOUD_PROJECT) when left out. */
const project = z
  .string()
  .min(1)
  .optional()
  .describe('Project of the resource; default: GOOGLE_CLOUD_PROJECT');
/** One location: `-` (every location) would make one target of resources of many places. */
const location = (what: string) =>
  z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,62}$/, 'is not one location, such as us-central1 or asia-northeast1-a')
    .describe(what);
const region = location('Region, e.g. asia-northeast1');

/** A resource id as Google's APIs write them (each API has its own rules; these are the common ground). */
const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
const resourceId = (what: string) => z.string().regex(ID, 'is not a resource id').describe(what);
/** A resource id, or `"*"`: every such resource, each its own target (`<name>/<id>`). */
const resourceIdOrAll = (what: string) =>
  z
    .string()
    .regex(/^(\*|[A-Za-z0-9][A-Za-z0-9_.-]{0,254})$/, 'is not a resource id, nor "*" for every one')
    .describe(`${what}, or "*" for every one (each watched as <name>/<id>)`);

/** A preset for one Google resource type: its keys, and the states that count as healthy by default. */
function googleTarget<K extends string, S extends z.ZodRawShape>(
  kind: K,
  shape: S,
  healthy: [string, ...string[]],
) {
  return z.strictObject({
    ...common,
    kind: z.literal(kind),
    project,
    ...shape,
    allowedStates: stateList.default(healthy).describe('States that count as healthy'),
  });
}

const googleVariants = [
  googleTarget('cloudsql', { instance: resourceIdOrAll('Cloud SQL instance id') }, ['RUNNABLE']),
  googleTarget(
    'dataflow',
    {
      location: region,
      job: resourceIdOrAll('Job name: the newest job of that name is watched'),
    },
    ['JOB_STATE_RUNNING', 'JOB_STATE_DONE'],
  ),
  googleTarget('composer', { location: region, environment: resourceIdOrAll('Composer environment id') }, [
    'RUNNING',
    'UPDATING',
  ]),
  googleTarget(
    'gke-cluster',
    { location: location('Region or zone of the cluster'), cluster: resourceIdOrAll('GKE cluster name') },
    ['RUNNING', 'RECONCILING'],
  ),
  googleTarget(
    'gke-nodepool',
    {
      location: location('Region or zone of the cluster'),
      cluster: resourceId('GKE cluster name'),
      nodePool: resourceIdOrAll('Node pool name'),
    },
    ['RUNNING', 'RECONCILING'],
  ),
  googleTarget('dataproc', { region, cluster: resourceIdOrAll('Dataproc cluster name') }, ['RUNNING']),
  googleTarget(
    'redis',
    { location: region, instance: resourceIdOrAll('Memorystore for Redis instance id') },
    ['READY', 'UPDATING', 'MAINTENANCE'],
  ),
  googleTarget('cloud-run', { location: region, service: resourceIdOrAll('Cloud Run service name') }, [
    'CONDITION_SUCCEEDED',
  ]),
  googleTarget('cloud-function', { location: region, function: resourceIdOrAll('Cloud Function name') }, [
    'ACTIVE',
  ]),
  googleTarget(
    'compute-instance',
    { zone: location('Zone, e.g. asia-northeast1-a'), instance: resourceIdOrAll('VM instance name') },
    ['RUNNING'],
  ),
  googleTarget('spanner', { instance: resourceIdOrAll('Spanner instance id') }, ['READY']),
  googleTarget(
    'alloydb',
    {
      location: region,
      cluster: resourceIdOrAll('AlloyDB cluster id'),
      instance: resourceId('Instance id in the cluster; without it, the cluster is watched').optional(),
    },
    ['READY'],
  ).superRefine((target, ctx) => {
    if (target.cluster === '*' && target.instance !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['instance'], message: 'cannot be given with cluster: "*"' });
    }
  }),
  googleTarget('pubsub-subscription', { subscription: resourceIdOrAll('Pub/Sub subscription id') }, [
    'ACTIVE',
  ]),
  googleTarget('scheduler-job', { location: region, job: resourceIdOrAll('Cloud Scheduler job id') }, [
    'ENABLED',
  ]),
  googleTarget('workflow', { location: region, workflow: resourceIdOrAll('Workflow id') }, [
    'SUCCEEDED',
    'ACTIVE',
  ]),
  googleTarget('bq-transfer', { location: region, config: resourceIdOrAll('Transfer config id') }, [
    'SUCCEEDED',
    'RUNNING',
    'PENDING',
  ]),
] as const;

/** Any Google resource readable with a GET, for what no preset covers. */
const gcpResourceTarget = z.strictObject({
  ...common,
  kind: z.literal('gcp-resource'),
  url: z
    .url({
      protocol: /^https$/,
      hostname: /^[a-z0-9-]+\.googleapis\.com$/,
      error: 'must be an https://<service>.googleapis.com/… URL',
    })
    .describe('The resource, e.g. https://alloydb.googleapis.com/v1/projects/p/locations/l/clusters/c'),
  stateField: z
    .string()
    .regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, 'must be a dotted path such as status.state')
    .default('state')
    .describe('Where the state is in the answer, a dotted path'),
  allowedStates: stateList.describe('States that count as healthy (required: the resource is unknown)'),
});

/** One variant per kind: a new kind adds its variant here, its file in checks/ and its line in the registry. */
const variants = [
  datastreamTarget,
  clusterHeartbeatTarget,
  pushTarget,
  ...googleVariants,
  gcpResourceTarget,
] as const;

/** Every kind of target, in the order the error messages list them; derived from the variants. */
export const kinds = variants.map((variant) => variant.shape.kind.value);
export type Kind = (typeof kinds)[number];

const target = z.discriminatedUnion('kind', variants, {
  error: (issue) =>
    `unknown kind ${JSON.stringify((issue.input as { kind?: unknown } | undefined)?.kind)}; expected ${kinds.join(' | ')}`,
});

/** The whole targets file. Unknown keys are rejected everywhere, and the error names them. */
export const targetsFile = z
  .strictObject({
    version: z.literal(1).default(1).describe('Version of this file format'),
    concurrency: z
      .int()
      .positive()
      .max(1000)
      .default(DEFAULT_CONCURRENCY)
      .describe('How many targets are checked at the same time'),
    defaults,
    maintenance: z
      .array(maintenanceWindow)
      .default([])
      .describe('Maintenance windows of every target: changes are recorded, not sent'),
    routes: z
      .record(
        z.string().regex(/^[a-z][a-z0-9_-]*$/, 'route names are lowercase letters, digits, - and _'),
        z.union(
          [
            webhookVariable,
            z
              .strictObject({
                webhook: webhookVariable.optional(),
                channel: z
                  .string()
                  .regex(
                    /^[CG][A-Z0-9]{2,}$/,
                    'must be a channel id such as C0123DATA (the channel’s details show it)',
                  )
                  .describe('The channel the Slack app (SLACK_BOT_TOKEN) posts to: it must be invited there')
                  .optional(),
                report: reportSchema.optional(),
              })
              .refine((route) => (route.webhook === undefined) !== (route.channel === undefined), {
                message:
                  'needs either webhook (the environment variable holding its URL) or channel (C…, posted by the Slack app)',
              }),
          ],
          // Which form failed, and where in it, is said by config/parse.ts.
        ),
      )
      .default({})
      .describe(
        'Named routes: an incoming webhook (the environment variable holding its URL, or { webhook: VAR }), or { channel: C… } posted by the Slack app; report: weekly sends it a weekly report',
      ),
    targets: z
      .array(target, {
        error: (issue) =>
          issue.input === undefined ? 'is missing: the file must list at least one target' : undefined,
      })
      // An empty watch is refused: a file emptied by mistake would otherwise forget every stored
      // state and re-alert every still-unhealthy target once it is fixed.
      .min(1, 'lists no targets: the file must list at least one'),
  })
  .superRefine((file, ctx) => {
    if (DEFAULT_ROUTE in file.routes) {
      ctx.addIssue({
        code: 'custom',
        path: ['routes', DEFAULT_ROUTE],
        message: `"${DEFAULT_ROUTE}" is SLACK_WEBHOOK_URL's route and cannot be redefined`,
      });
    }
    const known = [DEFAULT_ROUTE, ...Object.keys(file.routes)];
    const checkRoute = (route: string | undefined, path: (string | number)[]) => {
      if (route !== undefined && !known.includes(route)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `unknown route "${route}"; expected ${known.join(' | ')}`,
        });
      }
    };
    checkRoute(file.defaults.route, ['defaults', 'route']);
    file.targets.forEach((t, index) => {
      checkRoute(t.route, ['targets', index, 'route']);
    });
    const names = new Set(file.targets.map((t) => t.name));
    const dependsOn = new Map(file.targets.map((t) => [t.name, t.dependsOn]));
    file.targets.forEach((t, index) => {
      t.dependsOn.forEach((dependency, j) => {
        const path = ['targets', index, 'dependsOn', j];
        if (!names.has(dependency))
          ctx.addIssue({ code: 'custom', path, message: `no target named "${dependency}"` });
        else if (reaches(dependsOn, dependency, t.name)) {
          ctx.addIssue({
            code: 'custom',
            path,
            message: `"${dependency}" depends on "${t.name}" in turn: a cycle`,
          });
        }
      });
    });
    const seen = new Set<string>();
    file.targets.forEach((t, index) => {
      if (seen.has(t.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['targets', index, 'name'],
          message: `duplicate name "${t.name}"`,
        });
      }
      seen.add(t.name);
    });
  })
  .transform((file) => {
    const { report, ...inheritable } = file.defaults;
    const reportOf = (route: RouteSpec | undefined) =>
      typeof route === 'object' && route.report !== undefined ? route.report : report;
    return {
      concurrency: file.concurrency,
      /** Route name → the environment variable holding its webhook URL, or the app's channel. */
      routes: Object.fromEntries(
        Object.entries(file.routes).map(([name, route]) => [
          name,
          typeof route === 'string'
            ? route
            : route.webhook !== undefined
              ? route.webhook
              : { channel: route.channel ?? '' },
        ]),
      ),
      /** The routes (`default` among them) that get a weekly report. */
      weeklyReports: [DEFAULT_ROUTE, ...Object.keys(file.routes)].filter(
        (name) => reportOf(file.routes[name]) === 'weekly',
      ),
      targets: file.targets.map((spec) => inherit(spec, inheritable, file.maintenance)),
    };
  });

type RouteSpec = string | { report?: 'weekly' | 'none' | undefined };

/** Whether `from` depends on `to`, directly or through others. */
function reaches(dependsOn: ReadonlyMap<string, readonly string[]>, from: string, to: string): boolean {
  const seen = new Set<string>();
  const stack = [from];
  for (let name = stack.pop(); name !== undefined; name = stack.pop()) {
    if (name === to) return true;
    if (seen.has(name)) continue;
    seen.add(name);
    stack.push(...(dependsOn.get(name) ?? []));
  }
  return false;
}

/** A validated targets file, defaults merged in; `${VAR}`s are expanded later (config/resolve.ts). */
export type TargetsFile = z.output<typeof targetsFile>;
type TargetSpec = z.output<typeof target>;
type MaintenanceWindow = z.output<typeof maintenanceWindow>;

/** A target with `defaults:` merged in: what checks, evaluation and messages work with. */
export type Target = TargetSpec extends infer T
  ? T extends TargetSpec
    ? Omit<T, InheritedKey> & Inherited
    : never
  : never;
export type TargetOf<K extends Kind> = Extract<Target, { kind: K }>;

/**
 * A target's own keys win over `defaults:` (an explicit `remindEvery: null` too); its maintenance
 * windows add to the file's global ones.
 */
function inherit(spec: TargetSpec, fileDefaults: Inherited, global: readonly MaintenanceWindow[]): Target {
  const merged: Record<string, unknown> = { ...spec };
  for (const key of Object.keys(inherited) as InheritedKey[]) {
    if (spec[key] === undefined) merged[key] = fileDefaults[key];
  }
  merged['maintenance'] = [...global, ...(spec.maintenance ?? fileDefaults.maintenance)];
  return merged as Target;
}
