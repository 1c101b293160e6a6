import { subscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, Server } from 'node:http';
import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import type { Dependencies } from '../app/dependencies.ts';
import { recordPing } from '../app/ping.ts';
import { capMessage, MAX_PING_BODY_BYTES, parsePing, pathSegments, sameKey } from './ping-request.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST']);

/**
 * The public `ping` function: `/<ping-key>/<target>[/start|/fail|/<exit code>]`. A wrong key and
 * an unknown target get the same 404, so the answer tells nothing about which was wrong.
 *
 * Anyone can send it anything, so it reads as little as it can: the key is checked before any of
 * the body is read, a body over {@link MAX_PING_BODY_BYTES} is refused (413) from its
 * Content-Length or as soon as a chunked one passes it, and the key never reaches a log.
 */
export function createPingHandler(deps: Dependencies, pingKey: string | undefined): HttpFunction {
  keepBodiesAndBadPathsFromExpress();
  return async (req, res) => {
    if (!METHODS.has(req.method)) {
      answer(req, res.set('allow', 'GET, HEAD, POST'), 405, 'method not allowed\n');
      return;
    }
    if (!pingKey) {
      deps.log('ERROR', 'ping refused: PING_KEY is not set');
      answer(req, res, 503, 'ping key not configured\n');
      return;
    }
    if (undecodablePaths.has(req)) {
      // Said without the path: its first segment is meant to be the key.
      deps.log('WARNING', 'ping refused: its path is not valid percent-encoding', {
        refused: 'malformed path',
      });
      answer(req, res, 404, 'not found\n');
      return;
    }
    const request = parsePing(req.path, req.query);
    if (!request || !sameKey(request.key, pingKey)) {
      answer(req, res, 404, 'not found\n');
      return;
    }
    let body = '';
    if (req.method === 'POST') {
      const read = await readBody(req, MAX_PING_BODY_BYTES);
      if (read === 'gone') return;
      if (read === 'too large') {
        answer(req, res, 413, `body too large: at most ${MAX_PING_BODY_BYTES} bytes\n`);
        return;
      }
      body = capMessage(read.toString('utf8'));
    }
    try {
      const { target, kind, exitCode, value } = request;
      const message = body.trim() || request.msg;
      const outcome = await recordPing(deps, { target, kind, exitCode, value, message });
      if (outcome === 'unknown-target') answer(req, res, 404, 'not found\n');
      else answer(req, res, 200, 'OK\n');
    } catch (error) {
      deps.log('ERROR', `ping for ${request.target} not recorded: ${(error as Error).message}`, {
        target: request.target,
      });
      answer(req, res, 500, 'not recorded, retry\n');
    }
  };
}

/**
 * Answers, leaving whatever the client still sends on the wire: with `Connection: close`, Node
 * closes the socket after the answer instead of reading the rest of the body to reuse it.
 */
function answer(req: Request, res: Response, status: number, text: string): void {
  const bodyLeft =
    !req.readableEnded &&
    (req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0);
  if (bodyLeft) res.set('connection', 'close');
  res.status(status).type('text/plain').send(text);
}

/**
 * The body, read up to `limit` bytes. 'too large': Content-Length says more, or more came (the
 * rest is left unread). 'gone': the client went away before the end, there is no one to answer.
 */
async function readBody(req: Request, limit: number): Promise<Buffer | 'too large' | 'gone'> {
  if (Number(req.headers['content-length']) > limit) return 'too large';
  // Only when functions-framework's parsers did read it, on a server the hook below does not see.
  if (Buffer.isBuffer(req.rawBody)) return req.rawBody.length > limit ? 'too large' : req.rawBody;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    // Not destroyed on return: that would close the socket before the 413 is written.
    for await (const chunk of req.iterator({ destroyOnReturn: false })) {
      const bytes = chunk as Buffer;
      size += bytes.length;
      if (size > limit) return 'too large';
      chunks.push(bytes);
    }
  } catch (error) {
    if (req.destroyed) return 'gone';
    throw error;
  }
  return Buffer.concat(chunks);
}

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
 * without one), so the body stays in the stream for {@link readBody}; a path that does not
 * decode becomes `/`, the query kept, and the request is remembered for the handler to answer.
 *
 * This acts on every server of the process whose request listener is an express app, that is
 * every functions-framework server, and on no other (tests' fakes). The other one, `poll`,
 * reads neither its body nor its path, so nothing changes for it, except that it no longer
 * buffers a body either. Subscribed once, however many handlers are created.
 */
function keepBodiesAndBadPathsFromExpress(): void {
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
