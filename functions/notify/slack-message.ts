import { formatDuration } from '../config/duration.ts';
import { reportMessage } from './slack-report.ts';
import { escapeSlack } from './slack-text.ts';
import type { Notice, Notification, PrerenderedSlackMessage } from '../model/notification.ts';

/** A Slack message: Block Kit blocks and the plain-text fallback. */
export type SlackMessage = PrerenderedSlackMessage;

/** Slack rejects a section text over 3000 characters; leave room for the code fence. */
const MAX_DETAIL = 2800;

export { escapeSlack };

/** `<!date^…>` renders in each reader's own time zone; the fallback is for clients that cannot. */
function slackDate(at: Date): string {
  const seconds = Math.floor(at.getTime() / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time_secs}|${at.toISOString()}>`;
}

function codeBlock(detail: string): string {
  const clipped = detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL)}… (truncated)` : detail;
  // A ``` inside the detail would close the fence early.
  return '```' + escapeSlack(clipped).replace(/```/g, "'''") + '```';
}

/** ` · <url|Open in the Cloud console>`, or nothing. */
function linkText(notice: Notice): string {
  return notice.consoleUrl ? ` · <${notice.consoleUrl}|Open in the Cloud console>` : '';
}

/** "3 dependent targets also failing: a, b, c", or nothing. */
function dependentsLine(dependents: readonly string[]): string {
  if (dependents.length === 0) return '';
  const names = dependents.slice(0, 20).map(escapeSlack).join(', ');
  const more = dependents.length > 20 ? `, …${dependents.length - 20} more` : '';
  return ` · ${dependents.length} dependent target${dependents.length === 1 ? '' : 's'} also failing: ${names}${more}`;
}

/** The parts every message about one transition has: what happened, the evidence, when. */
interface Told {
  /** Without mentions. */
  headline: string;
  detail: string;
  context: string;
  alert: boolean;
}

function tell(notice: Notice): Told {
  const name = escapeSlack(notice.target);
  const to = escapeSlack(notice.to);
  const from = notice.from === null ? null : escapeSlack(notice.from);
  const detail = notice.detail.trim();
  if (notice.toHealthy) {
    const spell = notice.unhealthySince
      ? `, unhealthy for ${formatDuration(notice.at.getTime() - notice.unhealthySince.getTime())}`
      : '';
    return {
      headline: `:large_green_circle: *${name}* (${notice.kind}) recovered: *${to}* (was ${from ?? 'unknown'}${spell})`,
      detail,
      context: `Recovered ${slackDate(notice.at)}`,
      alert: false,
    };
  }
  const spell = notice.unhealthySince
    ? `unhealthy for ${formatDuration(notice.at.getTime() - notice.unhealthySince.getTime())}`
    : 'still unhealthy';
  const change = {
    reminder: `is still *${to}*, ${spell} (reminder)`,
    'hold-ended': `is still *${to}* (its alert was held back by a silence, a maintenance window or a dependency), ${spell}`,
    change: from === null ? `is *${to}*` : `changed *${from}* → *${to}*`,
  }[notice.cause];
  const since = notice.unhealthySince ?? notice.at;
  // Observed against allowed: says at a glance why this state counts as unhealthy.
  const allowed = `Allowed: ${notice.allowedStates.map(escapeSlack).join(', ')}`;
  return {
    headline: `:red_circle: *${name}* (${notice.kind}) ${change}`,
    detail,
    context:
      since.getTime() === notice.at.getTime()
        ? `${allowed} · unhealthy since ${slackDate(since)}`
        : `${allowed} · unhealthy since ${slackDate(since)} · changed ${slackDate(notice.at)}`,
    alert: true,
  };
}

const plain = (mrkdwn: string) => mrkdwn.replace(/:[a-z_]+: /, '').replace(/\*/g, '');
const firstLine = (detail: string, max: number) => escapeSlack(detail.split('\n')[0] ?? '').slice(0, max);

/**
 * The Slack message of a notification: as stored, when it was rendered before 0.2; else one
 * notice on its own, or several grouped.
 */
export function slackMessage(notification: Notification): SlackMessage {
  if ('prerendered' in notification) return notification.prerendered;
  if ('test' in notification) return testMessage(notification.test.route, notification.test.at);
  if ('report' in notification) return reportMessage(notification.report);
  return noticesMessage(notification.notices);
}

/** One notice on its own, several grouped. */
export function noticesMessage(notices: readonly Notice[]): SlackMessage {
  const [only, ...others] = notices;
  return only && others.length === 0 ? singleMessage(only) : groupedMessage(notices);
}

/** Says plainly that it is a test, so no one takes it for an alert; mentions no one. */
function testMessage(route: string, at: Date): SlackMessage {
  const text = `Test message from gcp-status-poller: route "${escapeSlack(route)}" reaches this channel. No action needed.`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: `:white_check_mark: *${text}*` } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Sent ${slackDate(at)} by test-notification` }] },
    ],
  };
}

/**
 * The Slack message for one notice. An alert puts the target's mentions first (raw Slack
 * syntax, not escaped: that is what makes them ping); a recovery names the state it recovered to
 * and how long the target was unhealthy, and pings no one.
 */
export function singleMessage(notice: Notice): SlackMessage {
  const told = tell(notice);
  told.context += dependentsLine(notice.dependents) + linkText(notice);
  const mentions = told.alert && notice.mention.length > 0 ? `${notice.mention.join(' ')} ` : '';
  const headline = `${mentions}${told.headline}`;
  const blocks: Record<string, unknown>[] = [{ type: 'section', text: { type: 'mrkdwn', text: headline } }];
  if (told.detail) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: codeBlock(told.detail) } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: told.context }] });
  const fallbackDetail = told.detail ? `: ${firstLine(told.detail, 500)}` : '';
  return { text: `${plain(headline)}${fallbackDetail}`, blocks };
}

/** Transitions listed in full in a grouped message; Slack allows 50 blocks, two are used per entry. */
export const MAX_GROUPED = 20;
/** A grouped entry's detail is shorter: the message is a list, and each target has its own history. */
const GROUPED_DETAIL = 500;

/**
 * One message for all the notices of a poll that go to one route: each mention once, at the
 * top; every notice with its detail, the first {@link MAX_GROUPED} in full and the rest by name.
 */
export function groupedMessage(items: readonly Notice[]): SlackMessage {
  const told = items.map((notice) => {
    const t = tell(notice);
    return { ...t, headline: `${t.headline}${dependentsLine(notice.dependents)}${linkText(notice)}`, notice };
  });
  const alerts = told.filter((t) => t.alert).length;
  const mentions = [...new Set(told.filter((t) => t.alert).flatMap((t) => t.notice.mention))];
  const icon = alerts > 0 ? ':rotating_light:' : ':large_green_circle:';
  const summary =
    `${mentions.length > 0 ? `${mentions.join(' ')} ` : ''}${icon} *${items.length} targets*: ` +
    `${alerts} unhealthy, ${items.length - alerts} recovered`;
  const blocks: Record<string, unknown>[] = [{ type: 'section', text: { type: 'mrkdwn', text: summary } }];
  for (const t of told.slice(0, MAX_GROUPED)) {
    const detail =
      t.detail.length > GROUPED_DETAIL ? `${t.detail.slice(0, GROUPED_DETAIL)}… (truncated)` : t.detail;
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: detail ? `${t.headline}\n${codeBlock(detail)}` : t.headline },
    });
  }
  const rest = items.slice(MAX_GROUPED).map((i) => escapeSlack(i.target));
  if (rest.length > 0) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `…and ${rest.length} more: ${rest.slice(0, 50).join(', ')}${rest.length > 50 ? ', …' : ''}`,
        },
      ],
    });
  }
  const lines = told
    .slice(0, MAX_GROUPED)
    .map((t) => `• ${plain(t.headline)}${t.detail ? `: ${firstLine(t.detail, 200)}` : ''}`);
  if (rest.length > 0) lines.push(`…and ${rest.length} more`);
  return { text: `${plain(summary)}\n${lines.join('\n')}`, blocks };
}
