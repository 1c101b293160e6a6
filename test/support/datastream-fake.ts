import { json, listen, type LocalServer } from './http-server.ts';

/** A stream as the Datastream v1 REST API returns it, or how the API should fail for it. */
export type FakeStream =
  | { state: string; errors?: { reason?: string; message?: string }[] }
  | { httpStatus: number; message: string; status: string }
  | { hang: true }
  /** A 200 with any body: JSON of another shape, or a page that is not JSON at all. */
  | { answer: string; contentType: string };

/**
 * A Datastream-compatible REST server: answers `GET /v1/projects/P/locations/L/streams/S` like
 * Google does (the stream resource, or the standard `{"error": {…}}` body). Point the poller at it
 * with DATASTREAM_API_URL.
 */
export class DatastreamFake {
  readonly streams = new Map<string, FakeStream>();
  readonly requests: { path: string; authorization: string | undefined }[] = [];
  private server!: LocalServer;

  static async start(port = 0): Promise<DatastreamFake> {
    const fake = new DatastreamFake();
    fake.server = await listen((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      fake.requests.push({ path, authorization: req.headers.authorization });
      const name = decodeURIComponent(path.replace(/^\/v1\//, ''));
      const stream = fake.streams.get(name);
      if (!stream) {
        json(res, 404, {
          error: { code: 404, message: `Resource '${name}' was not found`, status: 'NOT_FOUND' },
        });
      } else if ('answer' in stream) {
        res.writeHead(200, { 'content-type': stream.contentType }).end(stream.answer);
      } else if ('hang' in stream) {
        // Never answers: the poller's timeout has to end it.
      } else if ('httpStatus' in stream) {
        json(res, stream.httpStatus, {
          error: { code: stream.httpStatus, message: stream.message, status: stream.status },
        });
      } else {
        json(res, 200, { name, displayName: name.split('/').at(-1), ...stream });
      }
    }, port);
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
