/**
 * Entry point: registers the `poll` and `ping` HTTP functions with functions-framework. Only
 * wiring here; `npm start` serves `poll` and `npm run start:ping` serves `ping` on PORT; Cloud Run
 * functions use them as entry points.
 */
import { http } from '@google-cloud/functions-framework';
import { createDependencies } from './dependencies.ts';
import { createPollHandler } from './handler.ts';
import { createPingHandler } from './ping-handler.ts';
import { jsonLogger } from './log.ts';
import { readSettings } from './settings.ts';

const log = jsonLogger();
const settings = readSettings(process.env);
const dependencies = createDependencies(settings, process.env, log);
http('poll', createPollHandler(dependencies));
http('ping', createPingHandler(dependencies, settings.pingKey));
