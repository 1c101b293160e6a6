import { gzipSync } from 'node:zlib';
import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { readStatus, readTarget, type StatusDependencies } from '../app/status.ts';
import { ConfigError } from '../config/errors.ts';
import { refusedAsMalformed } from './express-guard.ts';
import type { Logger } from '../runtime/log.ts';
import { stateBadge, unknownBadge, uptimeBadge } from '../status/badge.ts';
import { statusPage } from '../status/page.ts';
import { filterRows, type StatusFilter, type StatusView, type TargetRow } from '../status/view.ts';

/** The page's own markup and style only: no script, no frame, forms to itself. */
const PAGE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
/** Everything else (JSON, a badge opened on its own) may load nothing. */
const OTHER_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
/** Smaller answers go as they are: compressing them saves less than it costs. */
const COMPRESS_FROM = 1024;
/** How long a badge may be cached: READMEs are viewed far more often than states change. */
const BADGE_MAX_AGE_S = 60;

/**
 * The read-only status function (docs/http-api.md, "The status function"): GET or HEAD only.
 *
 *   /                                     the page (`?q=` text, `?show=all|unhealthy|held`)
 *   /api/targets                          every target, as the page lists them (the same filter)
 *   /api/targets/<name>/history           one target: 90 days by day, its windows, its incidents
 *   /badge/<name>.svg                     its state
 *   /badge/<name>/uptime-30d.svg          its uptime over 30 days
 *
 * Paths are relative to where it is served (`/status/` in the all-in-one), and so are its links.
 * A name is one path segment: a discovered resource's `/` is written `%2F`.
 */
export function createStatusHandler(
  deps: StatusDependencies & { log: Logger },
  isPublic: boolean,
  options: { cacheMs?: number } = {},
): HttpFunction {
  const reading = recent(() => readStatus(deps, { public: isPublic }), options.cacheMs ?? 0);
  const readOne = (name: string) => readTarget(deps, name, { public: isPublic });
  return async (req, res) => {
    res
      .set('X-Content-Type-Options', 'nosniff')
      .set('Referrer-Policy', 'no-referrer')
      .set('Content-Security-Policy', OTHER_POLICY);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res
        .status(405)
        .set('Allow', 'GET, HEAD')
        .type('text/plain')
        .send('the status page is read-only: GET\n');
      return;
    }
    // A path that does not decode reaches here as `/` (express-guard.ts), marked.
    const path = refusedAsMalformed(req) ? null : segments(req.url);
    if (path === null) {
      notFound(res);
      return;
    }
    try {
      await answer(req, res, path, reading, readOne);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      deps.log('ERROR', `status page failed: ${message}`, {
        errorType: error instanceof Error ? error.name : typeof error,
      });
      // A broken file names field and line (no secret is in it); anything else is not shown.
      const shown = error instanceof ConfigError ? message : 'the state could not be read; see the logs';
      res
        .status(error instanceof ConfigError ? 500 : 503)
        .set('Cache-Control', 'no-store')
        .type('text/plain')
        .send(`${shown}\n`);
    }
  };
}

async function answer(
  req: Request,
  res: Response,
  path: string[],
  read: () => Promise<{ view: StatusView }>,
  readOne: (name: string) => Promise<TargetRow | undefined>,
): Promise<void> {
  const [first, second, third, fourth, ...rest] = path;
  if (rest.length > 0) {
    notFound(res);
    return;
  }
  if (first === '' && second === undefined) {
    const { view } = await read();
    const filter = readFilter(req.query);
    res.status(200).set('Cache-Control', 'no-store').set('Content-Security-Policy', PAGE_POLICY).type('html');
    sendCompressed(req, res, statusPage(view, filterRows(view.targets, filter), filter));
    return;
  }
  if (first === 'api' && second === 'targets' && third === undefined) {
    const { view } = await read();
    // The list leaves out each target's 90 days and incidents: those are its history's.
    const targets = filterRows(view.targets, readFilter(req.query)).map(listed);
    res.status(200).set('Cache-Control', 'no-store').type('json');
    sendCompressed(req, res, JSON.stringify({ ...view, targets }));
    return;
  }
  if (first === 'api' && second === 'targets' && third !== undefined && fourth === 'history') {
    const row = await readOne(third);
    if (!row) {
      res
        .status(404)
        .set('Cache-Control', 'no-store')
        .json({ error: `no target named ${third}` });
      return;
    }
    res.status(200).set('Cache-Control', 'no-store').type('json');
    sendCompressed(req, res, JSON.stringify(row));
    return;
  }
  if (first === 'badge' && second !== undefined && fourth === undefined) {
    const uptime = third === 'uptime-30d.svg';
    const name = uptime
      ? second
      : second.endsWith('.svg') && third === undefined
        ? second.slice(0, -4)
        : null;
    if (name === null) {
      notFound(res);
      return;
    }
    const row = await readOne(name);
    res
      .status(row ? 200 : 404)
      .set('Cache-Control', `max-age=${BADGE_MAX_AGE_S}`)
      .type('image/svg+xml')
      .send(row ? (uptime ? uptimeBadge(row) : stateBadge(row)) : unknownBadge(name));
    return;
  }
  notFound(res);
}

/**
 * Sends `body` gzipped when the client takes it and it is worth it: a page of 300 targets is
 * ~500 KB of HTML (its bars and tables repeat themselves) and ~10 times less gzipped, and
 * functions-framework does not compress, and no load balancer is assumed in front.
 */
function sendCompressed(req: Request, res: Response, body: string): void {
  res.vary('Accept-Encoding');
  const accepts = /\bgzip\b/.test(req.headers['accept-encoding'] ?? '');
  if (!accepts || body.length < COMPRESS_FROM) {
    res.send(body);
    return;
  }
  res.set('Content-Encoding', 'gzip').send(gzipSync(body));
}

function listed(row: TargetRow): Omit<TargetRow, 'days' | 'incidents'> {
  const copy: Partial<TargetRow> = { ...row };
  delete copy.days;
  delete copy.incidents;
  return copy as Omit<TargetRow, 'days' | 'incidents'>;
}

/**
 * `read`, shared by the requests of the next `ms`: a page open in many browsers (it refreshes
 * itself every minute) costs one read of the store per `ms`, not one per viewer. A read that
 * failed is not kept.
 */
function recent<T>(read: () => Promise<T>, ms: number): () => Promise<T> {
  let kept: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (kept && Date.now() - kept.at < ms) return kept.value;
    const value = read();
    kept = { at: Date.now(), value };
    value.catch(() => {
      if (kept?.value === value) kept = undefined;
    });
    return value;
  };
}

function readFilter(query: Request['query']): StatusFilter {
  const q = typeof query['q'] === 'string' ? query['q'].slice(0, 200) : '';
  const show = query['show'];
  return { q, show: show === 'unhealthy' || show === 'held' ? show : 'all' };
}

/** The path's segments after the leading `/`, each decoded; null when one does not decode. */
function segments(url: string): string[] | null {
  const pathname = url.split('?')[0] ?? '/';
  try {
    return pathname.slice(1).split('/').map(decodeURIComponent);
  } catch {
    return null;
  }
}

function notFound(res: Response): void {
  res
    .status(404)
    .type('text/plain')
    .send('not found: the page is on /, the API under /api/targets, badges under /badge/\n');
}
