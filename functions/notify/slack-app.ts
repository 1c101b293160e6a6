import { ErrorCode, LogLevel, WebClient, type WebAPICallError } from '@slack/web-api';
import type { Incident } from '../model/incident.ts';
import type { Notice, Notification } from '../model/notification.ts';
import { describeNetworkError } from '../net/network-error.ts';
import type { IncidentStore } from '../store/incident-store.ts';
import { DeliveryError, type Notifier, type Outgoing } from './notifier.ts';
import { incidentMessage } from './slack-incident.ts';
import { noticesMessage, slackMessage, type SlackMessage } from './slack-message.ts';
import { withinDeadline, type AttemptLimits } from './within-deadline.ts';

/** States an incident keeps of one target: its message has room for a line each. */
const MAX_STATES = 12;

/** Edits of one incident in one delivery, at most, while others keep changing it. */
const MAX_EDITS = 3;

/**
 * Slack's answers that no retry fixes until someone acts (invite the app, fix the token, pick
 * another channel): https://docs.slack.dev/reference/methods/chat.postMessage#errors
 */
const PERMANENT = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'missing_scope',
  'no_permission',
  'not_allowed_token_type',
  'restricted_action',
  'cant_update_message',
  'message_not_found',
  'thread_not_found',
]);

/** What Slack answers about a message or thread that is no longer there (deleted by someone). */
const GONE = new Set(['message_not_found', 'thread_not_found', 'cant_update_message', 'edit_window_closed']);

/** Slack said no, by name (`not_in_channel`…). */
class SlackRefusal extends DeliveryError {
  readonly slackError: string;

  constructor(message: string, permanent: boolean, slackError: string) {
    super(message, permanent);
    this.slackError = slackError;
  }
}

/** The event type of our messages' metadata, which names the outbox entry and step that posted them. */
export const EVENT_TYPE = 'status_notice_posted';

/** How far back from an entry's creation its messages are looked for, and in how many pages. */
const LOOK_BACK_S = 300;
const MAX_PAGES = 5;

export interface SlackAppOptions {
  /** `SLACK_API_URL`: Slack's Web API, or a local fake of it. */
  apiUrl?: string | undefined;
  /** Per request. */
  timeoutMs?: number;
  /** The longest `Retry-After` worth waiting for within a delivery. */
  maxRetryAfterMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Posts through a Slack app (a bot token, `chat:write`) to one channel, one incident per alert:
 * the alert is a message; reminders, further changes and the end of a hold are replies in its
 * thread; a recovery is a reply there and an edit of the message (what recovered, after how
 * long, through which states). Every message carries metadata naming its outbox entry and step,
 * so that an entry sent again after a crash finds what already went out and posts it no second
 * time. The token appears in no error or log.
 */
export class SlackAppNotifier implements Notifier {
  readonly destination: string;
  private readonly token: string;
  private readonly channel: string;
  private readonly incidents: IncidentStore;
  private readonly apiUrl: string | undefined;
  private readonly limits: AttemptLimits;

  constructor(token: string, channel: string, incidents: IncidentStore, options: SlackAppOptions = {}) {
    this.token = token;
    this.channel = channel;
    this.destination = `slack app, channel ${channel}`;
    this.incidents = incidents;
    this.apiUrl = options.apiUrl;
    // Below the 8 s an instance gets after SIGTERM, as for webhooks.
    this.limits = {
      timeoutMs: options.timeoutMs ?? 7_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
      sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    };
  }

  async send(notification: Notification, deadline: Date, outgoing?: Outgoing): Promise<void> {
    if (!('notices' in notification)) {
      await this.post(deadline, outgoing, 'message', slackMessage(notification));
      return;
    }
    const notices = notification.notices;
    const open = await this.incidents.openFor(
      notices.map((n) => n.target),
      outgoing?.id,
    );
    const incidentOf = (notice: Notice) => {
      const incident = open.get(notice.target);
      // An incident of another channel (the route moved), or the one this very entry opened
      // (it is being sent again), is none to reply to.
      return incident && incident.channel === this.channel && incident.openedBy !== outgoing?.id
        ? incident
        : undefined;
    };
    const opening = notices.filter((n) => !n.toHealthy && !incidentOf(n));
    const strays = notices.filter((n) => n.toHealthy && !incidentOf(n));
    const threads = new Map<string, { incident: Incident; notices: Notice[] }>();
    for (const notice of notices) {
      const incident = incidentOf(notice);
      if (!incident) continue;
      const thread = threads.get(incident.id) ?? { incident, notices: [] };
      thread.notices.push(notice);
      threads.set(incident.id, thread);
    }

    for (const { incident, notices: told } of threads.values()) {
      try {
        await this.tellInThread(deadline, outgoing, incident, told);
      } catch (error) {
        if (!(error instanceof SlackRefusal && GONE.has(error.slackError))) throw error;
        // Someone deleted the incident's message: it is closed, and what its thread would have
        // been told is told anew (an alert opens a new incident, a recovery is a message).
        await this.incidents.close(incident);
        for (const notice of told) (notice.toHealthy ? strays : opening).push(notice);
      }
    }
    if (opening.length > 0) await this.open(deadline, outgoing, opening);
    // A recovery whose alert opened no incident here (sent by a webhook, or before the app).
    if (strays.length > 0) await this.post(deadline, outgoing, 'recovered', noticesMessage(strays));
  }

  /** Posts the alerts that open an incident, and records it. */
  private async open(deadline: Date, outgoing: Outgoing | undefined, opening: Notice[]): Promise<void> {
    const ts = await this.post(deadline, outgoing, 'open', noticesMessage(opening));
    const openedAt = opening.reduce((a, n) => (n.at < a ? n.at : a), opening[0]?.at ?? new Date());
    await this.incidents.create({
      id: `${this.channel}/${ts}`,
      channel: this.channel,
      ts,
      openedBy: outgoing?.id ?? '',
      openedAt,
      opening,
      targets: Object.fromEntries(
        opening.map((n) => [n.target, { states: [n.to], resolvedAt: null, resolvedTo: null }]),
      ),
      version: 0,
    });
  }

  /**
   * Replies in an incident's thread, records what it said, and edits its message from what is
   * recorded. Another delivery may change the incident meanwhile (a ping beside a poll): the edit
   * is made again from the newer version, so the last edit shows every change.
   */
  private async tellInThread(
    deadline: Date,
    outgoing: Outgoing | undefined,
    incident: Incident,
    told: readonly Notice[],
  ): Promise<void> {
    await this.post(deadline, outgoing, `reply:${incident.ts}`, noticesMessage(told), incident.ts);
    const touched = told.map((n) => n.target);
    let current = await this.incidents.update(incident.id, touched, outgoing?.id ?? '', (stored) => {
      for (const notice of told) follow(stored, notice);
    });
    // What the message shows now: an edit that would change nothing (a reminder) is not made. An
    // entry sent again may have recorded its change without the edit: that one is always made.
    let shown = outgoing?.mayHaveBeenSent ? '' : JSON.stringify(incidentMessage(incident));
    for (let edits = 0; current && edits < MAX_EDITS; edits++) {
      const edited = incidentMessage(current);
      if (JSON.stringify(edited) === shown) return;
      shown = JSON.stringify(edited);
      await this.call(deadline, 'chat.update', (client) =>
        client.chat.update({
          channel: this.channel,
          ts: incident.ts,
          text: edited.text,
          blocks: edited.blocks as never,
        }),
      );
      const latest = await this.incidents.get(incident.id);
      if (!latest || latest.version === current.version) return;
      current = latest;
    }
  }

  /**
   * Posts a message (in a thread when `threadTs` is given) and returns its `ts`; for an entry
   * that may have gone out before, first looks for the message its step posted then.
   */
  private async post(
    deadline: Date,
    outgoing: Outgoing | undefined,
    step: string,
    message: SlackMessage,
    threadTs?: string,
  ): Promise<string> {
    if (outgoing?.mayHaveBeenSent) {
      const found = await this.find(deadline, outgoing, step, threadTs);
      if (found) return found;
    }
    const answer = await this.call(deadline, 'chat.postMessage', (client) =>
      client.chat.postMessage({
        channel: this.channel,
        text: message.text,
        blocks: message.blocks as never,
        unfurl_links: false,
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(outgoing
          ? { metadata: { event_type: EVENT_TYPE, event_payload: { outbox_id: outgoing.id, step } } }
          : {}),
      }),
    );
    return answer.ts ?? '';
  }

  /** The `ts` of the message this entry's step posted, if Slack has one. */
  private async find(
    deadline: Date,
    outgoing: Outgoing,
    step: string,
    threadTs: string | undefined,
  ): Promise<string | undefined> {
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.call(
        deadline,
        threadTs ? 'conversations.replies' : 'conversations.history',
        (client) => {
          const args = {
            channel: this.channel,
            include_all_metadata: true,
            oldest: String(outgoing.createdAt.getTime() / 1000 - LOOK_BACK_S),
            limit: 200,
            ...(cursor ? { cursor } : {}),
          };
          return threadTs
            ? client.conversations.replies({ ...args, ts: threadTs })
            : client.conversations.history(args);
        },
      );
      const mine = answer.messages?.find((m) => {
        const payload = m.metadata?.event_payload as Record<string, unknown> | undefined;
        return (
          m.metadata?.event_type === EVENT_TYPE &&
          payload?.['outbox_id'] === outgoing.id &&
          payload['step'] === step
        );
      });
      if (mine?.ts) return mine.ts;
      cursor = answer.response_metadata?.next_cursor || undefined;
      if (!cursor) return undefined;
    }
    return undefined;
  }

  /** One Web API call within the delivery's deadline; Slack's refusal as a DeliveryError. */
  private call<T>(deadline: Date, method: string, request: (client: WebClient) => Promise<T>): Promise<T> {
    return withinDeadline(deadline, this.limits, async (timeoutMs) => {
      const client = new WebClient(this.token, {
        ...(this.apiUrl ? { slackApiUrl: this.apiUrl } : {}),
        timeout: timeoutMs,
        // One attempt: a retry is ours to decide, within the delivery's deadline.
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        logLevel: LogLevel.ERROR,
      });
      try {
        return { answer: await request(client) };
      } catch (error) {
        return explain(method, error as WebAPICallError, timeoutMs);
      }
    });
  }
}

function explain(
  method: string,
  error: WebAPICallError,
  timeoutMs: number,
): { error: DeliveryError; retryAfterMs: number | null } {
  switch (error.code) {
    case ErrorCode.PlatformError: {
      const data = error.data as { error: string; needed?: unknown };
      const name = data.error;
      const needed = typeof data.needed === 'string' ? ` (needs ${data.needed})` : '';
      return {
        error: new SlackRefusal(`Slack refused ${method}: ${name}${needed}`, PERMANENT.has(name), name),
        retryAfterMs: name === 'ratelimited' ? 1000 : null,
      };
    }
    case ErrorCode.RateLimitedError:
      return {
        error: new DeliveryError(`Slack rate-limited ${method}, retry after ${error.retryAfter}s`, false),
        retryAfterMs: error.retryAfter * 1000,
      };
    case ErrorCode.HTTPError:
      return {
        error: new DeliveryError(`Slack answered ${method} with HTTP ${error.statusCode}`, false),
        retryAfterMs: null,
      };
    default:
      return {
        error: new DeliveryError(
          `Slack unreachable: ${describeNetworkError('original' in error ? error.original : error, timeoutMs)}`,
          false,
        ),
        retryAfterMs: null,
      };
  }
}

/** Records a notice in its incident: a new state, or the target's recovery. */
function follow(incident: Incident, notice: Notice): void {
  const course = incident.targets[notice.target] ?? { states: [], resolvedAt: null, resolvedTo: null };
  incident.targets[notice.target] = course;
  if (notice.toHealthy) {
    course.resolvedAt = notice.at;
    course.resolvedTo = notice.to;
  } else if (course.states.at(-1) !== notice.to) {
    course.states.push(notice.to);
    // A target that flaps between states keeps its first and its latest ones.
    if (course.states.length > MAX_STATES) {
      course.states = [course.states[0] ?? '', '…', ...course.states.slice(2 - MAX_STATES)];
    }
  }
}
