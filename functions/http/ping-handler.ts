import type { HttpFunction } from '@google-cloud/functions-framework';
import type { Dependencies } from '../app/dependencies.ts';
import { recordPing } from '../app/ping.ts';
import { capMessage, parsePing, sameKey } from './ping-request.ts';

const METHODS = new Set(['GET', 'HEAD', 'POST']);

/**
 * The public `ping` function: `/<ping-key>/<target>[/start|/fail|/<exit code>]`. A wrong key and
 * an unknown target get the same 404, so the answer tells nothing about which was wrong.
 */
export function createPingHandler(deps: Dependencies, pingKey: string | undefined): HttpFunction {
  return async (req, res) => {
    if (!METHODS.has(req.method)) {
      res.status(405).set('allow', 'GET, HEAD, POST').type('text/plain').send('method not allowed\n');
      return;
    }
    if (!pingKey) {
      deps.log('ERROR', 'ping refused: PING_KEY is not set');
      res.status(503).type('text/plain').send('ping key not configured\n');
      return;
    }
    const request = parsePing(req.path, req.query);
    if (!request || !sameKey(request.key, pingKey)) {
      res.status(404).type('text/plain').send('not found\n');
      return;
    }
    const raw = (req as { rawBody?: Buffer }).rawBody;
    const body = req.method === 'POST' && raw ? capMessage(raw.toString('utf8')) : '';
    try {
      const { target, kind, exitCode, value } = request;
      const message = body.trim() || request.msg;
      const outcome = await recordPing(deps, { target, kind, exitCode, value, message });
      if (outcome === 'unknown-target') res.status(404).type('text/plain').send('not found\n');
      else res.status(200).type('text/plain').send('OK\n');
    } catch (error) {
      deps.log('ERROR', `ping for ${request.target} not recorded: ${(error as Error).message}`, {
        target: request.target,
      });
      res.status(500).type('text/plain').send('not recorded, retry\n');
    }
  };
}
