import { formatDuration } from '../config/duration.ts';
import type { WeeklyReport } from '../model/report.ts';
import { percent } from '../status/uptime.ts';
import type { SlackMessage } from './slack-message.ts';
import { escapeSlack } from './slack-text.ts';

/**
 * A weekly report as one Slack message, as Healthchecks' reports read: the week, the overall
 * uptime, the targets with the lowest, the incidents. It mentions no one: nothing needs doing.
 */
export function reportMessage(report: WeeklyReport): SlackMessage {
  const week = `${day(report.from)} to ${day(new Date(Date.parse(report.to) - 1).toISOString())}`;
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  const headline =
    `:bar_chart: *Weekly report, ${week}* (UTC) · route ${escapeSlack(report.route)}\n` +
    `${count(report.total, 'target')} · ${percent(report.uptime)} uptime · ${count(report.incidentCount, 'incident')}`;
  const blocks: Record<string, unknown>[] = [{ type: 'section', text: { type: 'mrkdwn', text: headline } }];
  const worst = report.targets.filter((t) => t.uptime !== null && t.uptime < 1);
  blocks.push({
    type: 'section',
    text: {
      type: 'mrkdwn',
      text:
        worst.length === 0
          ? `Every target was up the whole week.`
          : `*Lowest uptime*\n${worst
              .map(
                (t) =>
                  `• \`${escapeSlack(t.name)}\` ${percent(t.uptime)}: down ${formatDuration(t.downMs)}, ${count(t.incidents, 'incident')}`,
              )
              .join('\n')}`,
    },
  });
  if (report.incidents.length > 0) {
    const more = report.incidentCount - report.incidents.length;
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Incidents*\n${report.incidents
          .map(
            (i) =>
              `• \`${escapeSlack(i.target)}\` ${stamp(i.from)}, ${i.to === null ? `still down when the week ended, after ${formatDuration(i.durationMs)}` : `lasted ${formatDuration(i.durationMs)}`}: ${i.states.map(escapeSlack).join(' → ')}`,
          )
          .join('\n')}${more > 0 ? `\n…and ${count(more, 'more incident')}` : ''}`,
      },
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: 'Sent every Monday by gcp-status-poller (report: weekly)' }],
  });
  const text = `Weekly report ${week}, route ${report.route}: ${percent(report.uptime)} uptime, ${count(report.incidentCount, 'incident')}`;
  return { text, blocks };
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function stamp(iso: string): string {
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}
