import type { IncomingMessage, ServerResponse } from 'node:http';
import { json, listen, type LocalServer } from './http-server.ts';

/** A resource as a Google v1 REST API returns it, or how the API answers for it instead. */
export type FakeResource =
  | Record<string, unknown>
  /** Google's error body with this HTTP status: `{"error": {"code", "message", "status"}}`. */
  | { httpStatus: number; message: string; status: string }
  /** Never answers: the poller's timeout has to end it. */
  | { hang: true }
  /** A 200 with any body: JSON of another shape, or a page that is not JSON at all. */
  | { answer: string; contentType: string };

/** Answers a request itself (Cloud Monitoring's timeSeries.list, say); null: not handled. */
export type FakeHandler = (url: URL) => FakeResource | null;

/** The APIs whose lists answer under `items`; every other answers under the collection's name… */
const ITEMS_APIS = new Set(['sqladmin', 'compute']);
/** APIs whose lists have no pages, and refuse paging parameters as Google refuses any unknown one. */
const UNPAGED_APIS = new Set(['container']);
/** …but for these, named after the resource type (as the API's List…Response says). */
const LIST_KEYS: Record<string, string> = {
  'bigquerydatatransfer runs': 'transferRuns',
  'datastream objects': 'streamObjects',
};

/**
 * One stand-in for all of Google's REST APIs, shaped as Google's v1 resources and errors: point a
 * service at it with `<SERVICE>_API_URL`. `GET /<path>` answers the resource stored under that
 * path (`v1/projects/p/instances/i`), or Google's error body. `GET` of a collection
 * (`v1/projects/p/instances`) lists the resources stored directly under it, in the order they
 * were set, a page at a time (`pageSize`/`maxResults`, `pageToken` → `nextPageToken`; at most
 * `maxPageSize`, 2 unless set, so that every client has to follow pages), under the key the API uses.
 */
export class GoogleFake {
  readonly resources = new Map<string, FakeResource>();
  /** Collections that answer this instead of their list: an error, or a page of a partial list. */
  readonly lists = new Map<string, FakeResource>();
  readonly handlers: FakeHandler[] = [];
  /** The most a page holds, whatever is asked: Google may return fewer than `pageSize`, and clients must follow. */
  maxPageSize = 2;
  /** How long every answer takes to arrive (Google's own latency, a slow list). */
  latencyMs = 0;
  readonly requests: { path: string; query: URLSearchParams; authorization: string | undefined }[] = [];
  private server!: LocalServer;

  static async start(port = 0): Promise<GoogleFake> {
    const fake = new GoogleFake();
    fake.server = await listen((req, res) => {
      // The answer is what was there when asked; it arrives `latencyMs` later.
      const { latencyMs } = fake;
      if (latencyMs > 0) {
        const end = res.end.bind(res) as (...args: unknown[]) => void;
        res.end = ((...args: unknown[]) => {
          setTimeout(() => {
            end(...args);
          }, latencyMs);
          return res;
        }) as typeof res.end;
      }
      fake.answer(req, res);
    }, port);
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  /**
   * The root URL to give one service (`SQLADMIN_API_URL`): the same server, told which API is
   * asked, so that a list answers under the key that API uses (`items` for Cloud SQL and Compute).
   */
  urlFor(service: string): string {
    return `${this.server.url}/_/${service}`;
  }

  /**
   * Stores a resource under its full name (`projects/p/locations/l/streams/s`) as a `version` API
   * serves it, its `name` filled in as Google's APIs do; errors, hangs and raw answers as they are.
   */
  put(name: string, resource: FakeResource, version = 'v1'): void {
    const plain = !('httpStatus' in resource || 'hang' in resource || 'answer' in resource);
    this.resources.set(`${version}/${name}`, plain ? { name, ...resource } : resource);
  }

  close(): Promise<void> {
    return this.server.close();
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, service = '', rest = ''] = /^\/(?:_\/([^/]+)\/)?(.*)$/.exec(url.pathname) ?? [];
    const path = decodeURIComponent(rest);
    this.requests.push({ path, query: url.searchParams, authorization: req.headers.authorization });
    for (const handler of this.handlers) {
      const handled = handler(url);
      if (handled) {
        respond(res, handled);
        return;
      }
    }
    const resource = this.resources.get(path) ?? this.lists.get(path);
    if (resource) {
      respond(res, resource);
      return;
    }
    const page = this.list(path, url.searchParams, service);
    if (page) {
      respond(res, page);
      return;
    }
    respond(res, {
      httpStatus: 404,
      status: 'NOT_FOUND',
      message: `Resource '${path.replace(/^(compute\/)?v[0-9][a-z0-9]*\//, '')}' was not found`,
    });
  }

  /** A page of the resources directly under `collection`, or null when there are none and it is no collection. */
  private list(collection: string, query: URLSearchParams, service: string): FakeResource | null {
    const prefix = `${collection}/`;
    // `name=` narrows a list to resources of that name, as Dataflow's jobs.list does.
    const named = query.get('name');
    const members = [...this.resources].filter(
      ([path, r]) =>
        path.startsWith(prefix) &&
        !path.slice(prefix.length).includes('/') &&
        !('httpStatus' in r) &&
        (named === null || (r as Record<string, unknown>)['name'] === named),
    );
    // A collection has an even number of segments from the version on: v1/projects/p/instances.
    const looksLikeCollection = collection.replace(/^compute\//, '').split('/').length % 2 === 0;
    if (members.length === 0 && !looksLikeCollection) return null;
    if (UNPAGED_APIS.has(service)) {
      const unknown = ['pageSize', 'maxResults', 'pageToken'].find((p) => query.has(p));
      if (unknown) {
        return {
          httpStatus: 400,
          status: 'INVALID_ARGUMENT',
          message: `Invalid JSON payload received. Unknown name "${unknown}": Cannot bind query parameter. Field '${unknown}' could not be found in request message.`,
        };
      }
      return { [collection.split('/').at(-1) ?? 'items']: members.map(([, r]) => r) };
    }
    const asked = Number(query.get('pageSize') ?? query.get('maxResults') ?? this.maxPageSize);
    const size = Math.min(asked || this.maxPageSize, this.maxPageSize);
    const from = Number(query.get('pageToken') ?? 0) || 0;
    const page = members.slice(from, from + size).map(([, r]) => r);
    const next = from + size < members.length ? String(from + size) : undefined;
    const last = collection.split('/').at(-1) ?? '';
    const key = ITEMS_APIS.has(service) ? 'items' : (LIST_KEYS[`${service} ${last}`] ?? last);
    return { [key]: page, ...(next && { nextPageToken: next }) };
  }
}

function respond(res: ServerResponse, resource: FakeResource): void {
  if ('hang' in resource) return;
  if ('answer' in resource && typeof resource['answer'] === 'string') {
    res.writeHead(200, { 'content-type': String(resource['contentType']) }).end(resource['answer']);
    return;
  }
  if ('httpStatus' in resource && typeof resource['httpStatus'] === 'number') {
    const { httpStatus, message, status } = resource as {
      httpStatus: number;
      message: string;
      status: string;
    };
    json(res, httpStatus, { error: { code: httpStatus, message, status } });
    return;
  }
  json(res, 200, resource);
}
