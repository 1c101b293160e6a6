import type { ServerResponse } from 'node:http';
import { listen, type LocalServer } from './http-server.ts';

/** What Slack's incoming webhook would have posted. */
export interface SlackPayload {
  text: string;
  blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[];
}

/**
 * Stands in for a Slack incoming webhook: records every message it accepts, and can be told to
 * refuse the next ones the way Slack does (HTTP status and a short text body).
 */
export class SlackReceiver {
  readonly messages: SlackPayload[] = [];
  /** Called with each accepted message (the demo prints them). */
  onMessage: (payload: SlackPayload) => void = () => undefined;
  /** Called with each refusal as it is answered (the demo prints them too). */
  onRefusal: (status: number, body: string) => void = () => undefined;
  private refusals: { status: number; body: string; headers: Record<string, string> }[] = [];
  private hangs = 0;
  private delays: number[] = [];
  /** How many requests reached it, answered or not. */
  requests = 0;
  private server!: LocalServer;

  static async start(port = 0): Promise<SlackReceiver> {
    const receiver = new SlackReceiver();
    receiver.server = await listen((req, res, body) => {
      receiver.requests++;
      if (receiver.hangs > 0) {
        receiver.hangs--;
        return; // Never answers: the sender's own timeout has to end it.
      }
      const delay = receiver.delays.shift();
      if (delay !== undefined) {
        setTimeout(() => {
          receiver.accept(body, res);
        }, delay);
        return;
      }
      const refusal = receiver.refusals.shift();
      if (refusal) {
        receiver.onRefusal(refusal.status, refusal.body);
        res.writeHead(refusal.status, { 'content-type': 'text/plain', ...refusal.headers }).end(refusal.body);
        return;
      }
      receiver.accept(body, res);
    }, port);
    return receiver;
  }

  private accept(body: string, res: ServerResponse): void {
    const payload = JSON.parse(body) as SlackPayload;
    this.messages.push(payload);
    this.onMessage(payload);
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  }

  /** The webhook URL, with a secret-looking path like the real ones. */
  get url(): string {
    return `${this.server.url}/services/T000/B000/SECRETsecretSECRET`;
  }

  refuseNext(status: number, body = 'internal_error', times = 1, headers: Record<string, string> = {}): void {
    for (let i = 0; i < times; i++) this.refusals.push({ status, body, headers });
  }

  /** The next request is taken, but only answered (200) after `ms`: a slow Slack. */
  delayNext(ms: number): void {
    this.delays.push(ms);
  }

  /** The next `times` requests get no answer at all, as from a Slack that hangs. */
  hangNext(times = 1): void {
    this.hangs += times;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
