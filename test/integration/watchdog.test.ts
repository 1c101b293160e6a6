import { Firestore } from '@google-cloud/firestore';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClusterServer } from '../support/cluster-server.ts';
import { listen, type LocalServer } from '../support/http-server.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

describe('the watchdog ping and the deployment settings', () => {
  let slack: SlackReceiver;
  let cluster: ClusterServer;
  let watchdog: LocalServer;
  let pings: string[];
  let watchdogStatus: number;
  let poller: Poller;
  let project: string;

  beforeEach(async () => {
    pings = [];
    watchdogStatus = 200;
    [slack, cluster, watchdog] = await Promise.all([
      SlackReceiver.start(),
      ClusterServer.start(),
      listen((req, res) => {
        pings.push(req.url ?? '');
        res.writeHead(watchdogStatus).end('OK');
      }),
    ]);
    project = freshProject();
    poller = await Poller.start(
      {
        GOOGLE_CLOUD_PROJECT: project,
        SLACK_WEBHOOK_URL: slack.url,
        WATCHDOG_URL: `${watchdog.url}/ping/b5c1-secret-uuid`,
        FIRESTORE_COLLECTION_PREFIX: 'prod_',
      },
      `targets:\n  - { name: qmonus-prod, kind: cluster-heartbeat, url: "${cluster.url}" }\n`,
    );
  });

  afterEach(async () => {
    await Promise.all([poller.close(), slack.close(), cluster.close(), watchdog.close()]);
  });

  it('pings the watchdog after each successful full poll, and only then', async () => {
    await poller.poll();
    expect(pings).toEqual(['/ping/b5c1-secret-uuid']);

    await poller.poll('?dryRun=true');
    await poller.poll('?target=qmonus-prod');
    expect(pings).toHaveLength(1);

    cluster.answer = { status: 503, body: 'down' };
    slack.refuseNext(500);
    expect((await poller.poll()).status).toBe(500);
    expect(pings).toHaveLength(1);

    expect((await poller.poll()).status).toBe(200);
    expect(pings).toHaveLength(2);
  });

  it('keeps the poll successful when the watchdog fails, logging why without its URL', async () => {
    watchdogStatus = 500;
    expect((await poller.poll()).status).toBe(200);
    const warning = poller.logs.find((l) => l.includes('watchdog ping failed'));
    expect(warning).toContain('watchdog answered HTTP 500');
    expect(poller.logs.join('\n')).not.toContain('b5c1-secret-uuid');
  });

  it('puts FIRESTORE_COLLECTION_PREFIX in front of every collection', async () => {
    await poller.poll();
    const db = new Firestore({ projectId: project });
    expect((await db.listCollections()).map((c) => c.id).sort()).toEqual([
      'prod_history',
      'prod_status',
      'prod_transitions',
    ]);
    await db.terminate();
  });
});
