/**
 * Entry point: registers the `poll` and `ping` HTTP functions with functions-framework. Only
 * wiring here (ARCHITECTURE.md): `npm start` serves `poll` and `npm run start:ping` serves `ping`
 * on PORT; Cloud Run functions use them as entry points.
 */
import { http } from '@google-cloud/functions-framework';
import { createPingHandler } from './http/ping-handler.ts';
import { createPollHandler } from './http/poll-handler.ts';
import { createDependencies } from './runtime/create-dependencies.ts';
import { jsonLogger } from './runtime/log.ts';
import { outsideDomain } from './runtime/outside-domain.ts';
import { readSettings } from './runtime/settings.ts';
import { GracefulShutdown } from './runtime/shutdown.ts';

const log = jsonLogger();
const settings = readSettings(process.env);
const shutdown = new GracefulShutdown();
const dependencies = { ...createDependencies(settings, process.env, log), stopping: () => shutdown.stopping };
http('poll', shutdown.track(outsideDomain(createPollHandler(dependencies))));
http('ping', shutdown.track(outsideDomain(createPingHandler(dependencies, settings.pingKey))));
