import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server } from 'node:http';
import { pathSegments } from './ping-request.ts';

/** Requests whose path did not decode: express was given `/` instead (see below). */
const undecodablePaths = new WeakSet<IncomingMessage>();

/** A request whose path did not decode, handed on as `/`: the ping answers it with a quiet 404. */
export function refusedAsMalformed(req: IncomingMessage): boolean {
  return undecodablePaths.has(req);
}
let hooked = false;

/**
 * functions-framework (5.0.5, src/server.ts) serves a function through express, which does two
 * things before the function is called, with no option to turn either off (src/options.ts):
 *
 * - five body-parser middlewares read any request body, up to 1024 MB, into `req.rawBody`. A
 *   30 MB POST with a wrong key took an instance from 104 MB to 389 MB.
 * - its router percent-decodes the path, and on a bad escape (`/<key>%/target`) answers 400 and
 *   logs the error to stderr, "Failed to decode param '<key>%'": the key in the logs.
 *
 * So both are taken away from express at the last point before it, which a function can reach
 * without owning the server (the framework creates and starts it): Node's
 * `http.server.request.start` diagnostics channel, published for every request just before the
 * server emits `request` to express (https://nodejs.org/api/diagnostics_channel.html#http).
 * `Content-Type` is dropped, which every one of those parsers needs to match (none reads a body
 * without one), so the body stays in the stream for the ping's own capped read; a path that does not
 * decode becomes `/`, the query kept, and the request is remembered for the handler to answer.
 *
 * This acts on every server of the process whose request listener is an express app, that is
 * every functions-framework server, and on no other (tests' fakes). The other one, `poll`,
 * reads neither its body nor its path, so nothing changes for it, except that it no longer
 * buffers a body either. Subscribed once, however many handlers are created.
 */
export function keepBodiesAndBadPathsFromExpress(): void {
  if (hooked) return;
  hooked = true;
  subscribe('http.server.request.start', (message) => {
    const { request, server } = message as { request: IncomingMessage; server: Server };
    if (!server.listeners('request').some((listener) => 'handle' in listener)) return;
    delete request.headers['content-type'];
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    if (pathSegments(queryAt === -1 ? url : url.slice(0, queryAt)) === null) {
      undecodablePaths.add(request);
      request.url = `/${queryAt === -1 ? '' : url.slice(queryAt)}`;
    }
  });
}
