import { formatDuration } from '../config/duration.ts';
import type { Incident } from '../model/incident.ts';
import { escapeSlack, noticesMessage, type SlackMessage } from './slack-message.ts';

const MAX_LINES = 15;

/**
 * The message of an incident as it stands: the alert that opened it, with a line on top for
 * each target that has recovered since (to what, after how long, through which states), and,
 * once all have, a header saying it is resolved. Rendered again at every edit, from what is
 * stored, so that an edit repeated after a crash writes the same message.
 */
export function incidentMessage(incident: Incident): SlackMessage {
  const opened = noticesMessage(incident.opening);
  const courses = Object.entries(incident.targets);
  const recovered = courses.filter(([, t]) => t.resolvedAt !== null);
  if (recovered.length === 0) return opened;
  const lines = recovered.map(([name, t]) => {
    // From when it turned unhealthy: an alert held back (a silence) came later than that.
    const since = incident.opening.find((n) => n.target === name)?.unhealthySince ?? incident.openedAt;
    const after = formatDuration((t.resolvedAt?.getTime() ?? 0) - since.getTime());
    const through = [...t.states, t.resolvedTo ?? '?'].map(escapeSlack).join(' → ');
    return `:white_check_mark: *${escapeSlack(name)}* recovered after ${after}: ${through}`;
  });
  const all = recovered.length === courses.length;
  const header = all
    ? `:white_check_mark: *Resolved*${courses.length > 1 ? `: all ${courses.length} targets recovered` : ''}`
    : `:hourglass_flowing_sand: ${recovered.length} of ${courses.length} targets recovered`;
  // A section holds 3,000 characters: the first recoveries by name, the rest counted.
  const shown = lines.slice(0, MAX_LINES);
  if (lines.length > MAX_LINES) shown.push(`…and ${lines.length - MAX_LINES} more recovered`);
  const summary = [header, ...shown].join('\n').slice(0, 3000);
  return {
    text: `${all ? 'Resolved' : `${recovered.length} of ${courses.length} recovered`}: ${opened.text}`,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: summary } },
      { type: 'divider' },
      ...opened.blocks,
    ],
  };
}
