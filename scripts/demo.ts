/**
 * The whole tour, in one terminal: a fake of Google's REST APIs (Datastream streams, a Cloud SQL
 * instance), a fake Qmonus cluster, a fake Slack that
 * prints every message it takes and every one it refuses, and the poller itself (the local
 * all-in-one, polling every 15 s), with the commands to break and recover each thing.
 * With --app, Slack is a fake of its Web API and the poller posts as the Slack app (one message
 * per incident): /stream/FAILED then /stream/RUNNING shows the incident opened, then edited to
 * resolved, with a reply in its thread.
 * Run: npm run demo   or   npm run demo -- --app   (Ctrl-C stops everything)
 */
import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { ClusterServer, healthyCluster, pod } from '../test/support/cluster-server.ts';
import { GoogleFake } from '../test/support/google-fake.ts';
import { listen } from '../test/support/http-server.ts';
import { SlackReceiver, type SlackPayload } from '../test/support/slack-receiver.ts';
import { SlackWebApi } from '../test/support/slack-web-api.ts';
import { startEmulator, type Emulator } from '../test/support/emulator.ts';

const KEY = 'demo-ping-key-0123456789';
const LOCATION = 'projects/acme-data/locations/asia-northeast1';
const STREAM = `${LOCATION}/streams/orders-to-bq`;
const SQL = 'v1/projects/acme-data/instances/orders-db';
const CHANNEL = 'C0DEMO';
// --app: the Slack app (a bot token, a channel) on a fake of Slack's Web API, not a webhook.
const { app: appMode } = parseArgs({ options: { app: { type: 'boolean', default: false } } }).values;
const [google, cluster, slack, slackApp] = await Promise.all([
  GoogleFake.start(8090),
  ClusterServer.start(8091),
  appMode ? undefined : SlackReceiver.start(8092),
  appMode ? SlackWebApi.start(undefined, 8094) : undefined,
]);
google.put(STREAM, { state: 'RUNNING' });
google.put(`${LOCATION}/streams/users-to-bq`, { state: 'RUNNING' });
google.resources.set(SQL, { name: 'orders-db', state: 'RUNNABLE', databaseVersion: 'POSTGRES_16' });
let added = 0;

const say = (line: string) => {
  process.stdout.write(`${line}\n`);
};
if (slack) {
  slack.onMessage = (payload) => {
    say(`\n[slack] received:\n${render(payload)}\n`);
  };
  slack.onRefusal = (status, body) => {
    say(
      `\n[slack] REFUSED with HTTP ${status} (${body}): the poller keeps the message and sends it next poll\n`,
    );
  };
}
if (slackApp) {
  slackApp.joined.add(CHANNEL); // The app is invited to the channel.
  slackApp.onPost = (message) => {
    say(
      message.thread_ts === undefined
        ? `\n[slack app] new message ${message.ts} in #${message.channel}:\n${render(message)}\n`
        : `\n[slack app] reply in thread ${message.thread_ts}:\n${render(message)}\n`,
    );
  };
  slackApp.onUpdate = (message) => {
    say(`\n[slack app] message ${message.ts} EDITED:\n${render(message)}\n`);
  };
  slackApp.onRefusal = (method, error) => {
    say(
      `\n[slack app] ${method} REFUSED with ${error}: the poller keeps the message and sends it next poll\n`,
    );
  };
}

/** A Slack message as a person would read it: its blocks' text, without the Block Kit around it. */
function render(payload: Pick<SlackPayload, 'blocks'>): string {
  return payload.blocks
    .flatMap((block) => [block.text?.text, ...(block.elements ?? []).map((e) => e.text)])
    .filter((text): text is string => typeof text === 'string')
    .map((text) => `  │ ${text.replace(/\n/g, '\n  │ ')}`)
    .join('\n');
}

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

// POST /stream/FAILED, /cluster/degraded, /slack/500 (with --app /slack/not_in_channel) …: change
// what the fakes answer.
const slackControl = appMode ? '/slack/not_in_channel' : '/slack/500';
await listen((req, res) => {
  const [, what, value = ''] = (req.url ?? '').split('/');
  if (what === 'stream') {
    // A healthy stream reports no errors; a broken one says why.
    const errors = value === 'RUNNING' ? [] : [{ reason: 'DEMO', message: `set to ${value}` }];
    google.put(STREAM, { state: value, errors });
  } else if (what === 'streams' && value === 'add') {
    // A stream created in the project: the "*" target finds it on the next poll.
    added += 1;
    google.put(`${LOCATION}/streams/new-stream-${added}`, { state: added % 2 ? 'FAILED' : 'RUNNING' });
  } else if (what === 'streams' && value === 'remove') {
    google.resources.delete(`v1/${LOCATION}/streams/users-to-bq`);
  } else if (what === 'sql') {
    const stopped = value === 'stopped';
    google.resources.set(SQL, {
      name: 'orders-db',
      state: stopped ? 'RUNNABLE' : value,
      databaseVersion: 'POSTGRES_16',
      settings: { activationPolicy: stopped ? 'NEVER' : 'ALWAYS' },
      ...(value === 'SUSPENDED' && { suspensionReason: ['BILLING_ISSUE'] }),
    });
  } else if (what === 'cluster' && value in clusterAnswers) {
    cluster.answer = clusterAnswers[value as keyof typeof clusterAnswers]();
  } else if (what === 'slack' && slack && /^\d{3}$/.test(value)) {
    slack.refuseNext(Number(value), 'demo_refusal');
  } else if (what === 'slack' && slackApp && /^[a-z_]+$/.test(value)) {
    // A Web API error, such as not_in_channel or channel_not_found, for the next message posted.
    slackApp.refuseNext('chat.postMessage', { error: value });
  } else {
    res
      .writeHead(404)
      .end(
        `try /stream/FAILED|RUNNING, /streams/add|remove, /sql/SUSPENDED|stopped|RUNNABLE, /cluster/degraded|down|healthy, ${slackControl}\n`,
      );
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
  # Every stream of the location, each watched as all-streams/<id>: new ones join by themselves.
  - { name: all-streams, kind: datastream, project: acme-data, location: asia-northeast1, stream: "*" }
  - { name: orders-db, kind: cloudsql, project: acme-data, instance: orders-db }
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

// States in the Firestore emulator when this machine has one (gcloud with its emulator and Java),
// as they would be in Firestore deployed; in memory otherwise. Set FIRESTORE_EMULATOR_HOST to use
// one already running.
let emulator: Emulator | undefined;
let store = 'in memory';
const storeEnv: Record<string, string> = {};
if (process.env['FIRESTORE_EMULATOR_HOST']) {
  store = `in the Firestore emulator at ${process.env['FIRESTORE_EMULATOR_HOST']}`;
  storeEnv['GOOGLE_CLOUD_PROJECT'] = process.env['GOOGLE_CLOUD_PROJECT'] ?? 'demo';
} else {
  try {
    say('Starting the Firestore emulator (a few seconds; without gcloud, states stay in memory)…');
    emulator = await startEmulator();
    store = `in the Firestore emulator at ${emulator.host}`;
    Object.assign(storeEnv, { FIRESTORE_EMULATOR_HOST: emulator.host, GOOGLE_CLOUD_PROJECT: 'demo' });
  } catch {
    // No emulator here: the demo works as well with states in memory.
  }
}

// The poller, as `npm start` runs it.
const poller = spawn(
  process.execPath,
  [
    join('node_modules', '@google-cloud', 'functions-framework', 'build', 'src', 'main.js'),
    '--target=all',
    '--signature-type=http',
    '--source=functions/runtime/all-in-one.ts',
  ],
  {
    env: {
      ...process.env,
      PORT: '8080',
      TARGETS_FILE: targetsFile,
      DATASTREAM_API_URL: google.urlFor('datastream'),
      SQLADMIN_API_URL: google.urlFor('sqladmin'),
      ...(slackApp
        ? { SLACK_BOT_TOKEN: slackApp.token, SLACK_CHANNEL: CHANNEL, SLACK_API_URL: slackApp.url }
        : { SLACK_WEBHOOK_URL: slack?.url }),
      PING_KEY: KEY,
      POLL_EVERY: process.env['POLL_EVERY'] ?? '15s',
      ...storeEnv,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
// Its log, one line per change and per poll, rather than a JSON line per target.
createInterface({ input: poller.stdout }).on('line', (line) => {
  let entry: { message?: string; changed?: boolean; pollSummary?: boolean; dryRun?: boolean };
  try {
    entry = JSON.parse(line) as typeof entry;
  } catch {
    return; // functions-framework's own banner
  }
  if (entry.pollSummary && !entry.dryRun) say(`[poller] ${entry.message ?? ''}`);
  else if (entry.changed) say(`[poller]   ${entry.message ?? ''}`);
});
const stop = () => {
  poller.kill();
  void Promise.all([rm(targetsFile, { force: true }), emulator?.stop()]).finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

const slackIntro = slackApp
  ? `It posts as the Slack app to #${CHANNEL} on a fake Web API at ${slackApp.url}: one message per
incident, its story in the thread. Slack messages, replies and edits show up here.`
  : `It posts to a Slack incoming webhook; its messages show up here. Run npm run demo -- --app for
the Slack app instead: one message per incident, edited when it is resolved.`;
const streamStory = slackApp
  ? '# then /stream/RUNNING: opened, then EDITED to resolved, a reply in its thread'
  : '# then /stream/RUNNING';
const slackStory = slackApp
  ? '# the next post is refused: kept, resent'
  : '# Slack refuses the next message: kept, resent';

say(`The poller is on http://localhost:8080, polling every ${process.env['POLL_EVERY'] ?? '15s'}, states
${store}; its targets are in ${targetsFile}.
${slackIntro} In another terminal:

  curl -s localhost:8080/?dryRun=true                       # what it sees now (JSON)
  curl -s localhost:8080                                    # poll now instead of waiting

The status page is on http://localhost:8080/status/ (open it in a browser: states, uptime and
incidents, refreshed every minute).${
  storeEnv['FIRESTORE_EMULATOR_HOST']
    ? ` The same table in a terminal:

  FIRESTORE_EMULATOR_HOST=${storeEnv['FIRESTORE_EMULATOR_HOST']} GOOGLE_CLOUD_PROJECT=demo TARGETS_FILE=${targetsFile} npm run cli -- status`
    : ''
}

Break something, watch the alert arrive here, then recover it:

  curl -s -X POST localhost:8093/stream/FAILED              ${streamStory}
  curl -s -X POST localhost:8093/streams/add                # a new stream joins all-streams/…
  curl -s -X POST localhost:8093/streams/remove             # one disappears: DELETED, once
  curl -s -X POST localhost:8093/sql/SUSPENDED              # or /sql/stopped; then /sql/RUNNABLE
  curl -s -X POST localhost:8093/cluster/degraded           # or /cluster/down; then /cluster/healthy
  curl -s -X POST localhost:8093${slackControl.padEnd(28)}${slackStory}

A job checks in; if it stops pinging it goes LATE after 1 minute and DOWN 30 s later. A failure
alerts at once and stays FAILED until its next success:

  curl -s localhost:8080/ping/${KEY}/nightly-backup
  curl -s -d 'disk full' localhost:8080/ping/${KEY}/nightly-backup/fail

Ctrl-C stops everything.
`);
