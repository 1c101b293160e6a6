import { json, listen, type LocalServer } from './http-server.ts';

/** A resource as a Google v1 REST API returns it, or how the API fails for it. */
export type FakeResource = Record<string, unknown> | { httpStatus: number; message: string; status: string };

/**
 * A stand-in for Google's REST APIs, one server for all of them: `GET /<path>` answers the resource
 * stored under that path (`v1/projects/p/instances/i`) or Google's error body
 * (`{"error": {"code": 404, "message": "…", "status": "NOT_FOUND"}}`). Point a service at it with
 * `<SERVICE>_API_URL`.
 */
export class GoogleFake {
  readonly resources = new Map<string, FakeResource>();
  readonly requests: { path: string; authorization: string | undefined }[] = [];
  private server!: LocalServer;

  static async start(): Promise<GoogleFake> {
    const fake = new GoogleFake();
    fake.server = await listen((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.replace(/^\//, ''));
      fake.requests.push({ path, authorization: req.headers.authorization });
      const resource = fake.resources.get(path);
      if (!resource) {
        json(res, 404, {
          error: { code: 404, message: `Resource '${path}' was not found`, status: 'NOT_FOUND' },
        });
      } else if ('httpStatus' in resource && typeof resource['httpStatus'] === 'number') {
        const { httpStatus, message, status } = resource as {
          httpStatus: number;
          message: string;
          status: string;
        };
        json(res, httpStatus, { error: { code: httpStatus, message, status } });
      } else {
        json(res, 200, resource);
      }
    });
    return fake;
  }

  get url(): string {
    return this.server.url;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
