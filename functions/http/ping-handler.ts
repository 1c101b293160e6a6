import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import type { Dependencies } from '../app/dependencies.ts';
import { recordPing } from '../app/ping.ts';
import { keepBodiesAndBadPathsFromExpress, refusedAsMalformed } from './express-guard.ts';
import { capMessage, MAX_PING_BODY_BYTES, parsePing, sameKey } from './ping-request.ts';

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
    if (refusedAsMalformed(req)) {
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
