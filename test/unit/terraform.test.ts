import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { kindOf, loadKinds } from '../../functions/checks/registry.ts';
import { kinds } from '../../functions/config/schema.ts';
import { block, loadModule, resource, type Module } from '../support/terraform.ts';

let tf: Module;
beforeAll(async () => {
  tf = await loadModule('terraform');
  await loadKinds();
});

const RUNTIME = 'serviceAccount:${google_service_account.runtime.email}';

/** Every IAM grant in the module: [resource type, role, member]. */
function grants(): [string, string, string][] {
  return Object.entries(tf.resource)
    .filter(([type]) => type.endsWith('_iam_member') || type.endsWith('_iam_binding'))
    .flatMap(([type, byName]) =>
      Object.values(byName).map((bodies): [string, string, string] => {
        const body = bodies[0] ?? {};
        return [type, String(body['role']), String(body['member'] ?? body['members'])];
      }),
    );
}

describe('the Terraform module', () => {
  it('makes the ping function public always, the status function only with status_public, nothing else', () => {
    expect(tf.text).not.toContain('allAuthenticatedUsers');
    expect(tf.text.match(/allUsers/g)).toHaveLength(2);
    const publicGrants = grants().filter(([, , member]) => member === 'allUsers');
    expect(publicGrants).toEqual([
      ['google_cloud_run_v2_service_iam_member', 'roles/run.invoker', 'allUsers'],
      ['google_cloud_run_v2_service_iam_member', 'roles/run.invoker', 'allUsers'],
    ]);
    const ping = resource(tf, 'google_cloud_run_v2_service_iam_member', 'ping_public');
    expect(ping['name']).toBe('${google_cloudfunctions2_function.ping[0].name}');
    expect(ping['count']).toBe('${local.ping_enabled ? 1 : 0}');
    const status = resource(tf, 'google_cloud_run_v2_service_iam_member', 'status_public');
    expect(status['name']).toBe('${google_cloudfunctions2_function.status[0].name}');
    expect(status['count']).toBe('${local.status_enabled && var.status_public ? 1 : 0}');
    expect(tf.variable['status_public']?.[0]).toMatchObject({ type: '${bool}', default: false });
    expect(tf.variable['status_public']?.[0]?.['description']).toContain(
      "anyone with the URL sees the targets' names, states and uptime",
    );
    for (const name of ['poller', 'status']) {
      expect(
        block(resource(tf, 'google_cloudfunctions2_function', name), 'service_config')['ingress_settings'],
        name,
      ).toBe('${var.ingress}');
    }
  });

  it('gives the ping account Firestore and its secrets only (the ping key, the webhook for immediate alerts)', () => {
    const roles = grants()
      .filter(([, , member]) => member.includes('google_service_account.ping'))
      .map(([, role]) => role)
      .sort();
    expect(roles).toEqual(['roles/datastore.user', 'roles/secretmanager.secretAccessor']);
    const fn = resource(tf, 'google_cloudfunctions2_function', 'ping');
    expect(block(fn, 'build_config')['entry_point']).toBe('ping');
    expect(block(fn, 'service_config')['service_account_email']).toBe(
      '${google_service_account.ping[0].email}',
    );
    expect(tf.text).toContain('{ PING_KEY = var.ping_key_secret_id }');
  });

  it('gives the status account roles/datastore.viewer and nothing else: no secret, no watched service', () => {
    const statusGrants = grants().filter(([, , member]) => member.includes('google_service_account.status'));
    expect(statusGrants).toEqual([
      [
        'google_project_iam_member',
        'roles/datastore.viewer',
        'serviceAccount:${google_service_account.status[0].email}',
      ],
    ]);
    expect(statusGrants.map(([, role]) => role)).not.toContain('roles/secretmanager.secretAccessor');
    expect(resource(tf, 'google_service_account', 'status')['account_id']).toBe('${var.name}-status');
    // What var.name may be (a first and a last character around {1,18}), and the suffix, fit the
    // 30 characters of a service account id.
    const name = String(block(tf.variable['name']?.[0] ?? {}, 'validation')['condition']);
    const longest = 2 + Number(/\{1,(\d+)\}/.exec(name)?.[1]);
    expect(longest).toBe(20);
    expect(longest + '-status'.length).toBeLessThanOrEqual(30);
  });

  it('deploys the status function with entry point status, under its own account, 256Mi and V8 sized to it', () => {
    const fn = resource(tf, 'google_cloudfunctions2_function', 'status');
    expect(fn['count']).toBe('${local.status_enabled ? 1 : 0}');
    expect(block(fn, 'build_config')).toMatchObject({
      runtime: '${var.runtime}',
      entry_point: 'status',
      service_account: '${google_service_account.build.id}',
    });
    expect(JSON.stringify(block(fn, 'build_config')['source'])).toBe(
      JSON.stringify(
        block(resource(tf, 'google_cloudfunctions2_function', 'poller'), 'build_config')['source'],
      ),
    );
    const service = block(fn, 'service_config');
    expect(service).toMatchObject({
      service_account_email: '${google_service_account.status[0].email}',
      available_memory: '256Mi',
      timeout_seconds: 30,
      max_instance_count: '${var.status_max_instances}',
      ingress_settings: '${var.ingress}',
    });
    expect(service['environment_variables']).toBe(
      '${merge(local.status_environment, { NODE_OPTIONS = local.node_options["256Mi"] })}',
    );
    expect(tf.variable['status_page']?.[0]).toMatchObject({ type: '${bool}', default: true });
    expect(tf.variable['status_max_instances']?.[0]).toMatchObject({ default: 2 });
    expect(tf.variable['status_max_instances']?.[0]?.['validation']).toBeDefined();
    // Every status resource goes with status_page.
    for (const [type, byName] of Object.entries(tf.resource))
      for (const [name, [body]] of Object.entries(byName))
        if (name.startsWith('status'))
          expect(String(body?.['count'] ?? body?.['for_each']), `${type}.${name}`).toContain(
            'local.status_enabled',
          );
  });

  it('gives the status function what finds its state and targets, STATUS_PUBLIC, and no secret or Slack variable', () => {
    const service = block(resource(tf, 'google_cloudfunctions2_function', 'status'), 'service_config');
    expect(service['dynamic']).toBeUndefined();
    expect(service['secret_environment_variables']).toBeUndefined();
    const locals = Object.assign({}, ...tf.locals) as Record<string, unknown>;
    const environment = locals['status_environment'] as Record<string, string>;
    expect(Object.keys(environment).sort()).toEqual([
      'FIRESTORE_COLLECTION_PREFIX',
      'FIRESTORE_DATABASE',
      'GOOGLE_CLOUD_PROJECT',
      'MALLOC_ARENA_MAX',
      'STATE_STORE',
      'STATUS_PUBLIC',
      'TARGETS_FILE',
    ]);
    for (const [name, value] of Object.entries(environment)) {
      expect(name).not.toMatch(/SLACK|WEBHOOK|TOKEN|SECRET|PING|WATCHDOG/);
      if (name !== 'STATUS_PUBLIC') expect(value, name).toBe(`\${local.function_environment.${name}}`);
    }
    expect(environment['STATUS_PUBLIC']).toBe('${var.status_public ? "true" : "false"}');
  });

  it('lets the status viewers, and only they, invoke the status function', () => {
    const viewers = resource(tf, 'google_cloud_run_v2_service_iam_member', 'status_viewers');
    expect(viewers).toMatchObject({
      for_each: '${local.status_enabled ? toset(var.status_viewers) : toset([])}',
      name: '${google_cloudfunctions2_function.status[0].name}',
      role: 'roles/run.invoker',
      member: '${each.value}',
    });
    const onStatus = Object.values(tf.resource['google_cloud_run_v2_service_iam_member'] ?? {})
      .map(([body]) => body ?? {})
      .filter((body) => String(body['name']).includes('google_cloudfunctions2_function.status'))
      .map((body) => String(body['member']))
      .sort();
    expect(onStatus).toEqual(['${each.value}', 'allUsers']);
    const variable = tf.variable['status_viewers']?.[0];
    expect(variable).toMatchObject({ type: '${list(string)}', default: [] });
    const condition = String(block(variable ?? {}, 'validation')['condition']);
    for (const prefix of ['user', 'group', 'serviceAccount', 'domain']) expect(condition).toContain(prefix);
    expect(tf.output['status_proxy_command']?.[0]?.['value']).toContain(
      'gcloud run services proxy ${google_cloudfunctions2_function.status[0].name} --region=${var.region} --project=${var.project_id}',
    );
    expect(tf.output['status_url']?.[0]?.['value']).toContain(
      'google_cloudfunctions2_function.status[0].service_config[0].uri',
    );
  });

  it('gives the runtime account exactly Firestore, the watched services’ viewer roles and its own secrets', () => {
    const roles = grants()
      .filter(([, , member]) => member === RUNTIME)
      .map(([, role]) => role)
      .sort();
    expect(roles).toEqual([
      '${each.value.role}',
      'roles/datastore.user',
      'roles/secretmanager.secretAccessor',
    ]);
    const locals = Object.assign({}, ...tf.locals) as Record<string, unknown>;
    // Viewer roles only, one per service the targets can read, each the role its kind names
    // (and its detail tells people to grant); Monitoring's for Datastream's maxFreshness.
    const named = Object.fromEntries(
      kinds.flatMap((kind) => {
        const google = kindOf({ kind }).google;
        return google ? [[google.service, google.viewerRole]] : [];
      }),
    );
    expect(locals['viewer_roles']).toEqual({ ...named, monitoring: 'roles/monitoring.viewer' });
    expect(Object.keys(named)).toHaveLength(16);
    expect(tf.variable['watched_services']?.[0]?.['default']).toEqual(['datastream']);
    expect(resource(tf, 'google_project_iam_member', 'runtime_viewer')['for_each']).toBe(
      '${local.viewer_grants}',
    );
    const secretGrant = resource(tf, 'google_secret_manager_secret_iam_member', 'runtime');
    expect(secretGrant['for_each']).toBe('${local.secret_env}');
  });

  it('lets the scheduler account invoke this one function and nothing else', () => {
    const schedulerGrants = grants().filter(([, , member]) =>
      member.includes('google_service_account.scheduler'),
    );
    expect(schedulerGrants).toEqual([
      [
        'google_cloud_run_v2_service_iam_member',
        'roles/run.invoker',
        'serviceAccount:${google_service_account.scheduler.email}',
      ],
    ]);
    expect(resource(tf, 'google_cloud_run_v2_service_iam_member', 'scheduler_invoker')['name']).toBe(
      '${google_cloudfunctions2_function.poller.name}',
    );
  });

  it('calls the function from Cloud Scheduler with an OIDC token for the function URL', () => {
    const job = resource(tf, 'google_cloud_scheduler_job', 'poll');
    const target = block(job, 'http_target');
    expect(target['uri']).toBe('${google_cloudfunctions2_function.poller.service_config[0].uri}');
    expect(block(target, 'oidc_token')).toEqual({
      service_account_email: '${google_service_account.scheduler.email}',
      audience: '${google_cloudfunctions2_function.poller.service_config[0].uri}',
    });
    expect(job['attempt_deadline']).toBe('${var.function_timeout_seconds + 30}s');
    expect(block(job, 'retry_config')).toMatchObject({ retry_count: 1 });
  });

  it('deploys the function on nodejs24 with entry point poll, under its own accounts', () => {
    const fn = resource(tf, 'google_cloudfunctions2_function', 'poller');
    const build = block(fn, 'build_config');
    expect(build).toMatchObject({
      runtime: '${var.runtime}',
      entry_point: 'poll',
      service_account: '${google_service_account.build.id}',
    });
    expect(tf.variable['runtime']?.[0]?.['default']).toBe('nodejs24');
    expect(block(fn, 'service_config')).toMatchObject({
      service_account_email: '${google_service_account.runtime.email}',
      ingress_settings: '${var.ingress}',
      max_instance_count: '${var.max_instances}',
    });
  });

  it('sizes V8 to the instance: what the benchmark measured with at 512Mi', async () => {
    const locals = Object.assign({}, ...tf.locals) as Record<string, unknown>;
    const heap = locals['heap_mib'] as Record<string, number>;
    expect(Object.keys(heap).sort()).toEqual(['1Gi', '256Mi', '2Gi', '512Mi']);
    // Every memory the variable allows has its heap, half of it.
    const allowed = /contains\((\[[^\]]*\]), var\.function_memory\)/.exec(tf.text)?.[1] ?? '[]';
    expect((JSON.parse(allowed) as string[]).sort()).toEqual(Object.keys(heap).sort());
    expect(heap['512Mi']).toBe(256);
    expect(locals['node_options']).toBe(
      '${{\n    for memory, heap in local.heap_mib : memory => "--max-old-space-size=${heap} --max-semi-space-size=8"\n  }}',
    );
    const bench = await readFile('scripts/bench.ts', 'utf8');
    expect(bench).toContain("default: '--max-old-space-size=256 --max-semi-space-size=8'");
    // And glibc's arenas, for both functions.
    expect(locals['function_environment']).toMatchObject({ MALLOC_ARENA_MAX: '2' });
    expect(bench).toContain("MALLOC_ARENA_MAX: '2',");
    const ping = block(resource(tf, 'google_cloudfunctions2_function', 'ping'), 'service_config');
    expect(ping['environment_variables']).toMatch(/NODE_OPTIONS = local\.node_options\["256Mi"\]/);
  });

  it('passes the Slack webhook from Secret Manager, never as a plain variable or environment value', () => {
    const service = block(resource(tf, 'google_cloudfunctions2_function', 'poller'), 'service_config');
    expect(service['environment_variables']).toBe(
      '${merge(\n      var.environment_variables,\n      local.function_environment,\n      # V8\'s sizing first, then the operator\'s own flags, which Node lets win.\n      { NODE_OPTIONS = trimspace("${local.node_options[var.function_memory]} ${lookup(var.environment_variables, "NODE_OPTIONS", "")}") },\n    )}',
    );
    const environment = tf.locals.find((l) => 'function_environment' in l)?.['function_environment'];
    expect(environment).toMatchObject({ STATE_STORE: 'firestore', TARGETS_FILE: 'config/targets.yaml' });
    // The app's channel is no secret; webhooks, the bot token and the ping key are.
    expect(JSON.stringify(environment)).not.toMatch(/WEBHOOK|TOKEN|PING_KEY/);
    expect(tf.text).toMatch(/\{ SLACK_BOT_TOKEN = var\.slack_bot_token_secret_id \}/);
    // hcl2json renders `dynamic "x" {…}` as { dynamic: { x: [{ for_each, content }] } }.
    const secrets = block(service['dynamic'] as Record<string, unknown>, 'secret_environment_variables');
    expect(secrets['for_each']).toBe('${local.secret_env}');
    expect(block(secrets, 'content')).toMatchObject({ version: 'latest' });
    expect(tf.text).toMatch(/\{ SLACK_WEBHOOK_URL = var\.slack_webhook_secret_id \}/);
    expect(
      Object.keys(tf.variable)
        .filter((name) => /webhook|token|password|key/i.test(name))
        .sort(),
    ).toEqual([
      'ping_key_secret_id',
      'route_webhook_secret_ids',
      'slack_bot_token_secret_id',
      'slack_webhook_secret_id',
    ]);
    expect(tf.resource['google_secret_manager_secret_version']).toBeUndefined();
  });

  it('has Firestore delete history past its expireAt: transitions, incidents and their pointers', () => {
    const field = resource(tf, 'google_firestore_field', 'expire_at');
    expect(field).toMatchObject({
      for_each: '${toset(["transitions", "incidents", "incident-of"])}',
      collection: '${var.collection_prefix}${each.value}',
      field: 'expireAt',
      database: '${var.firestore_database}',
    });
    expect(field['ttl_config']).toEqual([{}]);
  });

  it('names the source object by the content hash, so every code or YAML change redeploys', () => {
    const object = resource(tf, 'google_storage_bucket_object', 'source');
    expect(object['name']).toBe('function-source-${data.archive_file.source.output_md5}.zip');
    const archive = tf.data['archive_file']?.['source']?.[0];
    expect(archive?.['source_dir']).toBe('${local.source_dir}');
    expect(JSON.stringify(archive?.['lifecycle'])).toContain('run `npm run package` in the repository first');
  });

  it('enables the APIs it needs and leaves them on when destroyed', () => {
    expect(resource(tf, 'google_project_service', 'required')['disable_on_destroy']).toBe(false);
  });

  it('alerts on failed polls and on polls that stopped', () => {
    const policy = resource(tf, 'google_monitoring_alert_policy', 'poller');
    const conditions = policy['conditions'] as Record<string, unknown>[];
    expect(conditions.map((c) => Object.keys(c).find((k) => k.startsWith('condition_')))).toEqual([
      'condition_threshold',
      'condition_absent',
    ]);
    expect(policy['notification_channels']).toBe('${var.notification_channels}');
    expect(tf.text).toContain('jsonPayload.pollSummary=true');
  });

  it('describes and types every variable, and validates the closed sets', () => {
    for (const [name, [variable]] of Object.entries(tf.variable)) {
      expect(variable?.['description'], name).toEqual(expect.any(String));
      expect(variable?.['type'], name).toBeDefined();
    }
    for (const name of ['region', 'runtime', 'schedule', 'ingress', 'function_memory', 'status_viewers']) {
      expect(tf.variable[name]?.[0]?.['validation'], name).toBeDefined();
    }
  });

  it('describes every output and offers ready-to-paste trigger commands', () => {
    for (const [name, [output]] of Object.entries(tf.output)) {
      expect(output?.['description'], name).toEqual(expect.any(String));
    }
    expect(tf.output['trigger_poll_command']?.[0]?.['value']).toContain('gcloud scheduler jobs run');
    expect(tf.output['curl_poll_command']?.[0]?.['value']).toContain('gcloud auth print-identity-token');
  });
});
