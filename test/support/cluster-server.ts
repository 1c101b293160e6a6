import type { IncomingHttpHeaders } from 'node:http';

import { json, listen, type LocalServer } from './http-server.ts';

/** A pod as a Qmonus-style `/heartbeat?cluster=true` lists it. */
export interface Pod {
  hostname: string;
  outofservice: boolean;
  database: boolean;
  memorystore: boolean;
}

export function pod(hostname: string, overrides: Partial<Pod> = {}): Pod {
  return { hostname, outofservice: false, database: true, memorystore: true, ...overrides };
}

/** All three components up, two API gateway pods: what a healthy cluster answers. */
export function healthyCluster(): Record<string, Pod[]> {
  return {
    APIGW: [pod('apigw-7d9f8-abcde'), pod('apigw-7d9f8-fghij')],
    SCENARIO: [pod('scenario-5c6b7-klmno')],
    SCHEDULE: [pod('schedule-84f2d-pqrst')],
  };
}

/** What the endpoint answers: a body (JSON unless `raw`), with extra response headers if given. */
type Answer =
  { status: number; body: unknown; raw?: boolean; headers?: Record<string, string> } | { hang: true };

/** One request the endpoint received, with every header it was sent (lower-cased names). */
export interface ReceivedRequest {
  url: string;
  authorization: string | undefined;
  headers: IncomingHttpHeaders;
}

/** A cluster's heartbeat endpoint on a free port; what it answers can be changed between polls. */
export class ClusterServer {
  answer: Answer = { status: 200, body: healthyCluster() };
  readonly requests: ReceivedRequest[] = [];
  private server!: LocalServer;

  static async start(port = 0): Promise<ClusterServer> {
    const cluster = new ClusterServer();
    cluster.server = await listen((req, res) => {
      cluster.requests.push({
        url: req.url ?? '',
        authorization: req.headers.authorization,
        headers: req.headers,
      });
      const answer = cluster.answer;
      if ('hang' in answer) return;
      for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
      if (answer.raw) res.writeHead(answer.status, { 'content-type': 'text/html' }).end(String(answer.body));
      else json(res, answer.status, answer.body);
    }, port);
    return cluster;
  }

  get url(): string {
    return `${this.server.url}/heartbeat?cluster=true`;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
