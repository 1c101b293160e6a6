import type { HttpFunction } from '@google-cloud/functions-framework';

/**
 * A handler whose module is loaded by the first request it serves. Both functions share one
 * entry point (functions/index.ts) and one artifact; without this, `ping` would load the poll's
 * modules too (its query schema pulls in zod: ~70 ms of its cold start) and the other way round.
 * A load that fails fails that request and is tried again by the next.
 */
export function onFirstRequest(load: () => Promise<HttpFunction>): HttpFunction {
  let handler: Promise<HttpFunction> | undefined;
  return async (req, res) => {
    handler ??= load().catch((error: unknown) => {
      handler = undefined;
      throw error;
    });
    await (
      await handler
    )(req, res);
  };
}
