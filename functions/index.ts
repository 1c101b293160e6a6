/**
 * Entry point: registers the `poll`, `ping` and `status` HTTP functions with functions-framework.
 * Only wiring here (ARCHITECTURE.md): Cloud Run functions use them as entry points; locally,
 * `npm start` serves all three in one process (runtime/all-in-one.ts).
 *
 * The three deployments share this file, so it loads only the handler of the function it is
 * started as (functions-framework's `--target`, or FUNCTION_TARGET as Cloud Run sets it): a `ping`
 * instance does not load the poll's modules (its query schema pulls in zod, ~70 ms of a cold
 * start), nor the other way round. Loaded before the server listens, so that a module that cannot
 * load fails the start, not every request.
 */
import { http } from '@google-cloud/functions-framework';
import { keepBodiesAndBadPathsFromExpress } from './http/express-guard.ts';
import { jsonLogger } from './runtime/log.ts';
import { outsideDomain } from './runtime/outside-domain.ts';
import { readSettings } from './runtime/settings.ts';
import { GracefulShutdown } from './runtime/shutdown.ts';

// Before the first request, whichever function this is: see express-guard.ts.
keepBodiesAndBadPathsFromExpress();
const log = jsonLogger();
const settings = readSettings(process.env);
const shutdown = new GracefulShutdown();
const target = startedAs(process.argv, process.env);
const serves = (name: string) => target === undefined || target === name;
if (serves('status')) {
  const { createStatusDependencies } = await import('./runtime/create-store.ts');
  const { createStatusHandler } = await import('./http/status-handler.ts');
  // Viewers share a read for 10 s: the page is at most that much older than the store.
  const handler = createStatusHandler(createStatusDependencies(settings, log), settings.statusPublic, {
    cacheMs: 10_000,
  });
  http('status', shutdown.track(outsideDomain(handler)));
}
if (serves('poll') || serves('ping')) {
  const { createDependencies } = await import('./runtime/create-dependencies.ts');
  const dependencies = {
    ...createDependencies(settings, process.env, log),
    stopping: () => shutdown.stopping,
  };
  if (serves('poll')) {
    const { createPollHandler } = await import('./http/poll-handler.ts');
    http('poll', shutdown.track(outsideDomain(createPollHandler(dependencies))));
  }
  if (serves('ping')) {
    const { createPingHandler } = await import('./http/ping-handler.ts');
    http('ping', shutdown.track(outsideDomain(createPingHandler(dependencies, settings.pingKey))));
  }
}

/** The function this process serves, as functions-framework reads it (argv first); else undefined. */
function startedAs(argv: readonly string[], env: NodeJS.ProcessEnv): string | undefined {
  const flag = argv.findIndex((arg) => arg === '--target' || arg.startsWith('--target='));
  if (flag === -1) return env['FUNCTION_TARGET'];
  const arg = argv[flag] ?? '';
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[flag + 1];
}
