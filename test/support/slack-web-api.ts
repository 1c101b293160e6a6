import type { ServerResponse } from 'node:http';
import { json, listen, type LocalServer } from './http-server.ts';

/** A message as the fake Web API keeps it. */
export interface PostedMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[];
  /** The parent's ts, for a reply in a thread. */
  thread_ts?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> } | undefined;
  /** Every earlier version, oldest first, when it was edited by chat.update. */
  edits: { text: string; blocks: PostedMessage['blocks'] }[];
}

type Refusal = { error: string; extra?: Record<string, unknown> } | { status: 429; retryAfter: number };

/**
 * Stands in for Slack's Web API (https://docs.slack.dev/reference/methods) as @slack/web-api calls
 * it: `POST <url>/api/<method>`, a form-encoded body whose `blocks` and `metadata` are JSON strings,
 * `Authorization: Bearer <token>`; answers `{ok: true, …}`, or HTTP 200 `{ok: false, error}` for a
 * refusal, or HTTP 429 with `Retry-After` (seconds) when rate limited. Implements
 * chat.postMessage, chat.update, conversations.history and conversations.replies (with
 * `include_all_metadata`; without it, metadata comes back with its type only).
 */
export class SlackWebApi {
  readonly messages: PostedMessage[] = [];
  /** Every call, by method, in order (refused ones too). */
  readonly calls: { method: string; args: Record<string, string> }[] = [];
  /** Channels the bot is a member of; others answer `not_in_channel` (or `channel_not_found`). */
  readonly joined = new Set<string>();
  readonly token: string;
  /** Called with each message chat.postMessage stored, replies too (the demo prints them). */
  onPost: (message: PostedMessage) => void = () => undefined;
  /** Called with each message chat.update changed, in its new version (the demo prints them too). */
  onUpdate: (message: PostedMessage) => void = () => undefined;
  /** Called with each refusal set by refuseNext as it is answered (the demo prints them too). */
  onRefusal: (method: string, error: string) => void = () => undefined;
  private readonly refusals = new Map<string, Refusal[]>();
  private readonly resets = new Map<string, number>();
  /** Calls of a method let through before its refusals start (`refuseNext(…, { after })`). */
  private readonly passes = new Map<string, number>();
  private readonly hangs = new Map<string, number>();
  private clock = Math.floor(Date.now() / 1000);
  private counter = 0;
  private server!: LocalServer;

  private constructor(token: string) {
    this.token = token;
  }

  static async start(token = 'xoxb-test-0123456789', port = 0): Promise<SlackWebApi> {
    const api = new SlackWebApi(token);
    api.server = await listen((req, res, body) => {
      api.handle(req.url ?? '', req.headers.authorization, body, res);
    }, port);
    return api;
  }

  /** `SLACK_API_URL`. */
  get url(): string {
    return `${this.server.url}/api/`;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  /**
   * The next call of `method` (or the one `after` calls from now) is refused with `error`
   * (`channel_not_found`…), or rate limited.
   */
  refuseNext(method: string, refusal: Refusal, options: { after?: number } = {}): void {
    this.refusals.set(method, [...(this.refusals.get(method) ?? []), refusal]);
    if (options.after) this.passes.set(method, options.after);
  }

  /**
   * The next call of `method` is carried out, then its connection is cut before the answer: the
   * message is in Slack, and the sender never learns it (as when it dies right after).
   */
  dropAnswerOfNext(method: string): void {
    this.resets.set(method, (this.resets.get(method) ?? 0) + 1);
  }

  /**
   * The next call of `method` is carried out and then never answered: what Slack holds when its
   * sender died waiting, or right after the answer (either way, nothing of it was recorded).
   */
  hangAfterCarryingOutNext(method: string): void {
    this.hangs.set(method, (this.hangs.get(method) ?? 0) + 1);
  }

  /** Someone deletes a message (and its thread with it) in Slack. */
  deleteMessage(message: PostedMessage): void {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i];
      if (m === message || m?.thread_ts === message.ts) this.messages.splice(i, 1);
    }
  }

  /** Top-level messages of a channel, oldest first. */
  channelMessages(channel: string): PostedMessage[] {
    return this.messages.filter((m) => m.channel === channel && m.thread_ts === undefined);
  }

  /** The replies in a message's thread, oldest first. */
  replies(parent: PostedMessage): PostedMessage[] {
    return this.messages.filter((m) => m.thread_ts === parent.ts);
  }

  private handle(url: string, authorization: string | undefined, body: string, res: ServerResponse): void {
    const method = url.replace(/^\/api\//, '').split('?')[0] ?? '';
    const args = Object.fromEntries(new URLSearchParams(body));
    this.calls.push({ method, args });
    if (authorization !== `Bearer ${this.token}`) {
      json(res, 200, { ok: false, error: 'invalid_auth' });
      return;
    }
    const passes = this.passes.get(method) ?? 0;
    if (passes > 0) this.passes.set(method, passes - 1);
    const refusal = passes > 0 ? undefined : this.refusals.get(method)?.shift();
    if (refusal) this.onRefusal(method, 'status' in refusal ? 'ratelimited' : refusal.error);
    if (refusal && 'status' in refusal) {
      res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': String(refusal.retryAfter) })
        .end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    if (refusal) {
      json(res, 200, { ok: false, error: refusal.error, ...refusal.extra });
      return;
    }
    const answer = this.carryOut(method, args);
    const hangs = this.hangs.get(method) ?? 0;
    if (hangs > 0 && answer['ok'] === true) {
      this.hangs.set(method, hangs - 1);
      return;
    }
    const resets = this.resets.get(method) ?? 0;
    if (resets > 0 && answer['ok'] === true) {
      this.resets.set(method, resets - 1);
      res.destroy();
      return;
    }
    json(res, 200, answer);
  }

  private carryOut(method: string, args: Record<string, string>): Record<string, unknown> {
    const channel = args['channel'] ?? '';
    if (!channel) return { ok: false, error: 'channel_not_found' };
    if (!this.joined.has(channel)) return { ok: false, error: 'not_in_channel' };
    switch (method) {
      case 'chat.postMessage': {
        const message: PostedMessage = {
          channel,
          ts: `${this.clock}.${String(++this.counter).padStart(6, '0')}`,
          text: args['text'] ?? '',
          blocks: JSON.parse(args['blocks'] ?? '[]') as PostedMessage['blocks'],
          ...(args['thread_ts'] ? { thread_ts: args['thread_ts'] } : {}),
          ...(args['metadata']
            ? { metadata: JSON.parse(args['metadata']) as PostedMessage['metadata'] }
            : {}),
          edits: [],
        };
        if (message.thread_ts && !this.messages.some((m) => m.ts === message.thread_ts)) {
          return { ok: false, error: 'thread_not_found' };
        }
        this.messages.push(message);
        this.onPost(message);
        return { ok: true, channel, ts: message.ts, message: view(message, true) };
      }
      case 'chat.update': {
        const message = this.messages.find((m) => m.channel === channel && m.ts === args['ts']);
        if (!message) return { ok: false, error: 'message_not_found' };
        message.edits.push({ text: message.text, blocks: message.blocks });
        message.text = args['text'] ?? '';
        message.blocks = JSON.parse(args['blocks'] ?? '[]') as PostedMessage['blocks'];
        this.onUpdate(message);
        return { ok: true, channel, ts: message.ts, text: message.text, message: view(message, true) };
      }
      case 'conversations.history': {
        const oldest = Number(args['oldest'] ?? 0);
        const all = this.channelMessages(channel)
          .filter((m) => Number(m.ts) > oldest)
          .reverse(); // Newest first, as Slack answers.
        return page(all, args);
      }
      case 'conversations.replies': {
        const parent = this.messages.find((m) => m.channel === channel && m.ts === args['ts']);
        if (!parent) return { ok: false, error: 'thread_not_found' };
        return page([parent, ...this.replies(parent)], args);
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

/** A message as Slack shows it; metadata whole only when asked for (`include_all_metadata`). */
function view(message: PostedMessage, allMetadata: boolean): Record<string, unknown> {
  const { channel, ts, text, blocks, thread_ts, metadata } = message;
  return {
    type: 'message',
    bot_id: 'B0POLLER',
    channel,
    ts,
    text,
    blocks,
    ...(thread_ts ? { thread_ts } : {}),
    ...(metadata
      ? { metadata: allMetadata ? metadata : { event_type: metadata.event_type, event_payload: {} } }
      : {}),
  };
}

/** One page of `messages`: `limit` of them from the `cursor` on, and where the next begins. */
function page(messages: PostedMessage[], args: Record<string, string>): Record<string, unknown> {
  const from = Number(args['cursor'] ?? 0);
  const limit = Math.min(Number(args['limit'] ?? 100), 999);
  const shown = messages.slice(from, from + limit);
  const more = from + limit < messages.length;
  return {
    ok: true,
    messages: shown.map((m) => view(m, args['include_all_metadata'] === 'true')),
    has_more: more,
    response_metadata: { next_cursor: more ? String(from + limit) : '' },
  };
}
