import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterServer } from '../support/cluster-server.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';
import { declaredEnvironment, loadModule } from '../support/terraform.ts';

const KEY = 'k3y-0123456789abcdef';

/**
 * The ping as deployed: started with exactly the environment terraform/ping.tf declares (no
 * header tokens, no route webhooks in this deployment), against a targets file whose other targets
 * need `${QMONUS_TOKEN}` and a route variable the ping does not have.
 */
describe('the ping, with the environment Terraform gives it', () => {
  let slack: SlackReceiver;
  let dataSlack: SlackReceiver;
  let cluster: ClusterServer;
  let poller: Poller;
  let declared: Awaited<ReturnType<typeof declaredEnvironment>>;

  beforeAll(async () => {
    [slack, dataSlack, cluster] = await Promise.all([
      SlackReceiver.start(),
      SlackReceiver.start(),
      ClusterServer.start(),
    ]);
    const project = freshProject();
    declared = declaredEnvironment(await loadModule('terraform'), 'ping', { project_id: project });
    const secretValues: Record<string, string> = { PING_KEY: KEY, SLACK_WEBHOOK_URL: slack.url };
    const pingEnv = {
      ...declared.plain,
      // This deployment has no Slack app (slack_bot_token_secret_id is null).
      ...Object.fromEntries(
        declared.secrets
          .filter((name) => name !== 'SLACK_BOT_TOKEN')
          .map((name) => [name, secretValues[name] ?? 'unknown']),
      ),
    };
    poller = await Poller.start(
      {
        GOOGLE_CLOUD_PROJECT: project,
        SLACK_WEBHOOK_URL: slack.url,
        SLACK_WEBHOOK_DATA: dataSlack.url,
        QMONUS_TOKEN: 's3cret-token',
        PING_KEY: KEY,
      },
      `
routes: { data: SLACK_WEBHOOK_DATA }
targets:
  - name: qmonus-prod
    kind: cluster-heartbeat
    url: ${cluster.url}
    headers: { Authorization: "Bearer \${QMONUS_TOKEN}" }
  - { name: nightly-backup, kind: push, every: 1d, mention: "<!subteam^S0OPS>" }
  - { name: data-export, kind: push, every: 1d, route: data }
`,
      { pingEnv },
    );
  });

  afterAll(async () => {
    await poller.close();
    await Promise.all([slack.close(), dataSlack.close(), cluster.close()]);
  });

  it('is declared with the state store, the ping key and the default webhook, and no header tokens', () => {
    expect(Object.keys(declared.plain).sort()).toEqual([
      'FIRESTORE_COLLECTION_PREFIX',
      'FIRESTORE_DATABASE',
      'GOOGLE_CLOUD_PROJECT',
      'MALLOC_ARENA_MAX',
      'SLACK_CHANNEL',
      'STATE_STORE',
      'TARGETS_FILE',
    ]);
    expect(declared.secrets.sort()).toEqual(['PING_KEY', 'SLACK_BOT_TOKEN', 'SLACK_WEBHOOK_URL']);
    // Route webhooks come from route_webhook_secret_ids; this deployment sets none.
    expect(declared.routeSecrets).toBe(true);
  });

  it('records a failure and alerts at once on the default route, though the file needs ${QMONUS_TOKEN}', async () => {
    expect(await poller.ping(`/${KEY}/nightly-backup/fail`, { method: 'POST', body: 'disk full' })).toEqual({
      status: 200,
      body: 'OK\n',
    });
    expect(slack.messages.map((m) => m.text)).toEqual([
      '<!subteam^S0OPS> nightly-backup (push) is FAILED: the job reported a failure: disk full',
    ]);
  });

  it('records a failure on a route it has no webhook for, and leaves its alert to the next poll', async () => {
    const before = slack.messages.length;
    expect(await poller.ping(`/${KEY}/data-export/1`)).toEqual({ status: 200, body: 'OK\n' });
    expect(dataSlack.messages).toEqual([]);

    const { status, report } = await poller.poll();
    expect(status).toBe(200);
    expect(report.notifications).toEqual({ sent: 1, pending: 0 });
    expect(dataSlack.messages.map((m) => m.text)).toEqual([
      'data-export (push) is FAILED: the job reported a failure, exit code 1',
    ]);
    // Nothing on the default route: no target there changed, and nothing is sent twice.
    expect(slack.messages.slice(before)).toEqual([]);
    expect(poller.logs.join('\n')).not.toMatch(/s3cret-token|SECRETsecretSECRET/);
  });
});
