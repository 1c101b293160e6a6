/**
 * A local playground: a fake Datastream API, a fake Qmonus cluster and a fake Slack webhook that
 * prints what it receives, so the poller can be run and watched without Google or Slack.
 * Run: npm run demo   (then, in another terminal, the command it prints)
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterServer, healthyCluster, pod } from '../test/support/cluster-server.ts';
import { DatastreamFake } from '../test/support/datastream-fake.ts';
import { listen } from '../test/support/http-server.ts';
import { SlackReceiver } from '../test/support/slack-receiver.ts';

const STREAM = 'projects/acme-data/locations/asia-northeast1/streams/orders-to-bq';
const [datastream, cluster, slack] = await Promise.all([
  DatastreamFake.start(8090),
  ClusterServer.start(8091),
  SlackReceiver.start(8092),
]);
datastream.streams.set(STREAM, { state: 'RUNNING' });
slack.onMessage = (payload) => {
  console.log(`\n--- Slack received ---\n${JSON.stringify(payload, null, 2)}`);
};

const clusterAnswers = {
  healthy: () => ({ status: 200, body: healthyCluster() }),
  degraded: () => ({
    status: 200,
    body: {
      ...healthyCluster(),
      APIGW: [pod('apigw-7d9f8-abcde'), pod('apigw-7d9f8-fghij', { database: false })],
    },
  }),
  down: () => ({ status: 503, body: { error: 'upstream connect error' } }),
};

// POST /stream/FAILED, /cluster/degraded, /slack/500 …: change what the fakes answer.
await listen((req, res) => {
  const [, what, value = ''] = (req.url ?? '').split('/');
  if (what === 'stream')
    datastream.streams.set(STREAM, {
      state: value,
      errors: [{ reason: 'DEMO', message: `set to ${value}` }],
    });
  else if (what === 'cluster' && value in clusterAnswers)
    cluster.answer = clusterAnswers[value as keyof typeof clusterAnswers]();
  else if (what === 'slack') slack.refuseNext(Number(value), 'demo_refusal');
  else {
    res.writeHead(404).end('try /stream/FAILED, /cluster/degraded|down|healthy, /slack/500\n');
    return;
  }
  res.end(`ok: ${what} → ${value}\n`);
}, 8093);

const targetsFile = join(tmpdir(), 'gcp-status-poller-demo.yaml');
await writeFile(
  targetsFile,
  `defaults:
  mention: "<!subteam^S0123ABCD>"
  timeout: 5s
targets:
  - name: orders-stream
    kind: datastream
    stream: ${STREAM}
    mention: "<!subteam^S0DATA>"
  - name: qmonus-prod
    kind: cluster-heartbeat
    url: ${cluster.url}
    components: [APIGW, SCENARIO, SCHEDULE]
  - name: nightly-backup
    kind: push
    every: 1m        # short, to watch it go LATE and DOWN in the demo
    grace: 30s
`,
);

console.log(`Fakes are up. In another terminal:

  TARGETS_FILE=${targetsFile} DATASTREAM_API_URL=${datastream.url} \\
  SLACK_WEBHOOK_URL=${slack.url} PING_KEY=demo-ping-key-0123456789 PORT=8080 npm start
  # and, for push targets, the ping function in a third terminal: the same line with
  # PORT=8081 npm run start:ping

Then poll, break things, poll again:

  curl -s localhost:8080 | jq
  curl -s -X POST localhost:8093/stream/FAILED      # or /cluster/degraded, /cluster/down, /slack/500
  curl -s localhost:8080 | jq
  curl -s localhost:8081/demo-ping-key-0123456789/nightly-backup        # a job checks in
  curl -s -d 'disk full' localhost:8081/demo-ping-key-0123456789/nightly-backup/fail
`);
