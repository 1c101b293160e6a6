import { Firestore, Timestamp } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClusterServer, healthyCluster, pod } from '../support/cluster-server.ts';
import { freshProject, Poller } from '../support/poller.ts';
import { SlackReceiver } from '../support/slack-receiver.ts';

const at = Timestamp.fromDate(new Date('2026-11-20T09:00:00Z'));

/**
 * Data written by 0.1 (outbox entries holding rendered Slack messages, a board with the
 * "(unconfirmed)" placeholder), read by this version against the Firestore emulator.
 */
describe('an upgrade from 0.1, against the Firestore emulator', () => {
  let slack: SlackReceiver;
  let cluster: ClusterServer;
  let poller: Poller;
  let db: Firestore;

  const oldMessage = {
    text: '<!subteam^S0DATA> orders-stream (datastream) changed RUNNING → FAILED: stream errors: QUOTA',
    blocks: [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: '<!subteam^S0DATA> :red_circle: *orders-stream* failed' },
      },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'Allowed: RUNNING' }] },
    ],
  };

  beforeAll(async () => {
    [slack, cluster] = await Promise.all([SlackReceiver.start(), ClusterServer.start()]);
    const project = freshProject();
    db = new Firestore({ projectId: project });
    // As 0.1 left them: a transition not notified yet, its message rendered in the outbox (one
    // written before routes existed, without `route`), and a target whose first failure was
    // being counted under the "(unconfirmed)" placeholder.
    await db.collection('transitions').doc('t-old').set({
      target: 'orders-stream',
      kind: 'datastream',
      from: 'RUNNING',
      fromHealthy: true,
      to: 'FAILED',
      toHealthy: false,
      at,
      detail: 'stream errors: QUOTA',
      unhealthySince: at,
      notify: true,
      notifiedAt: null,
    });
    await db
      .collection('outbox')
      .doc('o-old')
      .set({
        targets: ['orders-stream'],
        transitionIds: ['t-old'],
        text: oldMessage.text,
        blocks: JSON.stringify(oldMessage.blocks),
        createdAt: at,
        attempts: 1,
        lastError: 'Slack answered HTTP 500 (internal_error)',
        claimedUntil: null,
      });
    await db
      .collection('status')
      .doc('targets')
      .set({
        targets: {
          'qmonus-prod': {
            kind: 'cluster-heartbeat',
            state: '(unconfirmed)',
            healthy: true,
            since: at,
            detail: '',
            unhealthySince: null,
            streak: {
              state: 'DEGRADED',
              healthy: false,
              count: 1,
              since: at,
              detail: 'APIGW/a: database=false',
            },
          },
        },
      });
    cluster.answer = {
      status: 200,
      body: { ...healthyCluster(), APIGW: [pod('apigw-7d9f8-abcde', { database: false })] },
    };
    poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: project, SLACK_WEBHOOK_URL: slack.url },
      `
targets:
  - { name: qmonus-prod, kind: cluster-heartbeat, url: "${cluster.url}", failureThreshold: 2 }
`,
    );
  });

  afterAll(async () => {
    await poller.close();
    await db.terminate();
    await Promise.all([slack.close(), cluster.close()]);
  });

  it('delivers a message stored in the old shape as it was rendered, before newer ones, once; reads the old placeholder as no state', async () => {
    const first = await poller.poll();
    expect(first.status).toBe(200);
    expect(first.report.notifications).toEqual({ sent: 2, pending: 0 });
    expect(slack.messages[0]).toEqual(oldMessage);
    const old = await db.collection('transitions').doc('t-old').get();
    expect(old.get('notifiedAt')).toBeInstanceOf(Timestamp);
    expect((await db.collection('outbox').get()).empty).toBe(true);
    // The old "(unconfirmed)" placeholder reads as no state yet: the counted failure alerts as a first one.
    expect(slack.messages[1]?.text).toBe(
      'qmonus-prod (cluster-heartbeat) is DEGRADED: APIGW/apigw-7d9f8-abcde: database=false (allowed: true)',
    );

    const second = await poller.poll();
    expect(second.report.notifications).toEqual({ sent: 0, pending: 0 });
    expect(slack.messages).toHaveLength(2);
  });
});
