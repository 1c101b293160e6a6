/**
 * The whole product in one local process (`npm start`): the poll on `/`, the ping under `/ping/`,
 * the status page under `/status/` (with its API and badges), and a schedule, `POLL_EVERY`
 * (default 1m; `off` disables), so push targets go late by themselves and one store serves the
 * poll, the ping and the page. Never deployed as an entry point: Cloud Run runs `poll`, `ping` and
 * `status` (functions/index.ts), which never schedule themselves; Cloud Scheduler does.
 */
import { http, type HttpFunction } from '@google-cloud/functions-framework';
import { poll } from '../app/poll.ts';
import { durationIn } from '../config/duration-schema.ts';
import { formatDuration, PERIOD_RANGE } from '../config/duration.ts';
import { refusedAsMalformed } from '../http/express-guard.ts';
import { createPingHandler } from '../http/ping-handler.ts';
import { createPollHandler } from '../http/poll-handler.ts';
import { createStatusHandler } from '../http/status-handler.ts';
import { createDependencies } from './create-dependencies.ts';
import { jsonLogger, type Logger } from './log.ts';
import { outsideDomain } from './outside-domain.ts';
import { readSettings, SettingsError } from './settings.ts';
import { GracefulShutdown } from './shutdown.ts';

// This process runs on a laptop, not on Google Cloud: no metadata server to probe for credentials
// (ADC comes from `gcloud auth application-default login`). Said unless the environment says.
process.env['METADATA_SERVER_DETECTION'] ??= 'none';

const log = jsonLogger();
const settings = readSettings(process.env);
const shutdown = new GracefulShutdown();
const dependencies = { ...createDependencies(settings, process.env, log), stopping: () => shutdown.stopping };
const pollHandler = createPollHandler(dependencies);
const pingHandler = createPingHandler(dependencies, settings.pingKey);
const statusHandler = createStatusHandler(dependencies, settings.statusPublic);

const route: HttpFunction = async (req, res) => {
  // A ping path that does not decode reaches here as `/`, marked by the ping handler's hook.
  if (refusedAsMalformed(req)) {
    await pingHandler(req, res);
  } else if (req.path === '/ping' || req.path.startsWith('/ping/')) {
    req.url = req.url.slice('/ping'.length) || '/';
    await pingHandler(req, res);
  } else if (req.path === '/') {
    await pollHandler(req, res);
  } else if (req.path === '/status') {
    // Its links are relative: the page must be read as a folder.
    res.redirect(301, `/status/${req.url.slice('/status'.length)}`);
  } else if (req.path.startsWith('/status/')) {
    req.url = req.url.slice('/status'.length);
    await statusHandler(req, res);
  } else {
    res
      .status(404)
      .type('text/plain')
      .send('not found: the poll is on /, pings under /ping/, the status page on /status/\n');
  }
};
http('all', shutdown.track(outsideDomain(route)));

const every = readPollEvery(process.env['POLL_EVERY']);
if (every === null) log('INFO', 'POLL_EVERY=off: polls only when / is called');
else schedule(every, log);

/** `1m` by default; `off`: no schedule. */
function readPollEvery(value: string | undefined): number | null {
  const written = value?.trim() || '1m';
  if (written === 'off') return null;
  const parsed = durationIn(PERIOD_RANGE).safeParse(written);
  if (!parsed.success) {
    throw new SettingsError(`POLL_EVERY=${written}: ${parsed.error.issues[0]?.message ?? 'invalid'}; or off`);
  }
  return parsed.data;
}

/** Polls now and every `ms`, never two at once: a slow poll makes the next one wait its turn. */
function schedule(ms: number, logger: Logger): void {
  logger('INFO', `polling every ${formatDuration(ms)} (POLL_EVERY; off to stop)`);
  let running = false;
  const tick = async () => {
    if (running || shutdown.stopping) return;
    running = true;
    try {
      await poll(dependencies, { dryRun: false, only: [] });
    } catch (error) {
      // The poll logged its report; a poll that could not run (a broken file) is said here.
      logger('ERROR', `scheduled poll failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      running = false;
    }
  };
  setTimeout(() => void tick(), 1000);
  setInterval(() => void tick(), ms);
}
