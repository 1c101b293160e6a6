/**
 * Entry point: registers the `poll` and `ping` HTTP functions with functions-framework. Only
 * wiring here (ARCHITECTURE.md): `npm start` serves `poll` and `npm run start:ping` serves `ping`
 * on PORT; Cloud Run functions use them as entry points. Each loads its own modules on its first
 * request, so a `ping` instance never loads the poll's, nor a `poll` instance the ping's.
 */
import { http } from '@google-cloud/functions-framework';
import { createDependencies } from './runtime/create-dependencies.ts';
import { jsonLogger } from './runtime/log.ts';
import { onFirstRequest } from './runtime/on-first-request.ts';
import { outsideDomain } from './runtime/outside-domain.ts';
import { readSettings } from './runtime/settings.ts';
import { GracefulShutdown } from './runtime/shutdown.ts';

const log = jsonLogger();
const settings = readSettings(process.env);
const shutdown = new GracefulShutdown();
const dependencies = { ...createDependencies(settings, process.env, log), stopping: () => shutdown.stopping };
const poll = onFirstRequest(async () =>
  (await import('./http/poll-handler.ts')).createPollHandler(dependencies),
);
const ping = onFirstRequest(async () =>
  (await import('./http/ping-handler.ts')).createPingHandler(dependencies, settings.pingKey),
);
http('poll', shutdown.track(outsideDomain(poll)));
http('ping', shutdown.track(outsideDomain(ping)));
