/**
 * Entry point: registers the `poll` HTTP function with functions-framework. Only wiring here;
 * `npm start` serves it on PORT, Cloud Run functions call it as entry point `poll`.
 */
import { http } from '@google-cloud/functions-framework';
import { createDependencies } from './dependencies.ts';
import { createPollHandler } from './handler.ts';
import { jsonLogger } from './log.ts';
import { readSettings } from './settings.ts';

const log = jsonLogger();
http('poll', createPollHandler(createDependencies(readSettings(process.env), process.env, log)));
