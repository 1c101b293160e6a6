import { formatDuration } from '../config/duration.ts';
import type { OutboundMessage, Transition } from '../model.ts';

/** Slack rejects a section text over 3000 characters; leave room for the code fence. */
const MAX_DETAIL = 2800;

/** Slack's three control characters; everything from a target passes through here. https://api.slack.com/reference/surfaces/formatting#escaping */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

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

/**
 * The Slack message for one transition. An alert puts the target's mentions first (raw Slack
 * syntax, not escaped: that is what makes them ping); a recovery names the state it recovered to
 * and how long the target was unhealthy, and pings no one.
 */
export function buildMessage(
  transition: Transition,
  target: { mention: readonly string[]; allowedStates: readonly string[] },
): OutboundMessage {
  const { mention } = target;
  const name = escapeSlack(transition.target);
  const to = escapeSlack(transition.to);
  const from = transition.from === null ? null : escapeSlack(transition.from);
  const detail = transition.detail.trim();
  let headline: string;
  let context: string;

  if (transition.toHealthy) {
    const spell = transition.unhealthySince
      ? `, unhealthy for ${formatDuration(transition.at.getTime() - transition.unhealthySince.getTime())}`
      : '';
    headline = `:large_green_circle: *${name}* (${transition.kind}) recovered: *${to}* (was ${from ?? 'unknown'}${spell})`;
    context = `Recovered ${slackDate(transition.at)}`;
  } else {
    const spell = transition.unhealthySince
      ? `unhealthy for ${formatDuration(transition.at.getTime() - transition.unhealthySince.getTime())}`
      : 'still unhealthy';
    const change = transition.reminder
      ? `is still *${to}*, ${spell} (reminder)`
      : transition.afterSilence
        ? `is still *${to}* after its silence or maintenance window, ${spell}`
        : from === null
          ? `is *${to}*`
          : `changed *${from}* → *${to}*`;
    const mentions = mention.length > 0 ? `${mention.join(' ')} ` : '';
    headline = `${mentions}:red_circle: *${name}* (${transition.kind}) ${change}`;
    const since = transition.unhealthySince ?? transition.at;
    // Observed against allowed: says at a glance why this state counts as unhealthy.
    const allowed = `Allowed: ${target.allowedStates.map(escapeSlack).join(', ')}`;
    context =
      since.getTime() === transition.at.getTime()
        ? `${allowed} · unhealthy since ${slackDate(since)}`
        : `${allowed} · unhealthy since ${slackDate(since)} · changed ${slackDate(transition.at)}`;
  }

  const blocks: Record<string, unknown>[] = [{ type: 'section', text: { type: 'mrkdwn', text: headline } }];
  if (detail) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: codeBlock(detail) } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: context }] });

  const fallbackDetail = detail ? `: ${escapeSlack(detail.split('\n')[0] ?? '').slice(0, 500)}` : '';
  const text = `${headline.replace(/:[a-z_]+: /, '').replace(/\*/g, '')}${fallbackDetail}`;
  return { text, blocks };
}
