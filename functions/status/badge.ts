/**
 * Badges for a README or a wiki, in the flat style of shields.io, so they sit beside the others a
 * repository shows: `<name> | RUNNING`, `uptime 30d | 99.95%`.
 */
import { escape } from './page.ts';
import { percent } from './uptime.ts';
import type { TargetRow } from './view.ts';

const COLORS = { good: '#2da44e', fair: '#d4a72c', bad: '#cf222e', none: '#8c959f' } as const;

export function stateBadge(row: TargetRow): string {
  const color =
    row.health === 'healthy' ? COLORS.good : row.health === 'unhealthy' ? COLORS.bad : COLORS.none;
  return badge(row.name, row.state ?? 'not checked', color);
}

export function uptimeBadge(row: TargetRow): string {
  const uptime = row.uptime['30d'];
  const color =
    uptime === null ? COLORS.none : uptime >= 0.999 ? COLORS.good : uptime >= 0.99 ? COLORS.fair : COLORS.bad;
  return badge('uptime 30d', percent(uptime), color);
}

/** A badge for a target the page does not have. */
export function unknownBadge(name: string): string {
  return badge(name, 'unknown target', COLORS.none);
}

/** Verdana 11px, as shields.io measures: ~7 px a character is close enough for short labels. */
function width(text: string): number {
  return Math.round(text.length * 6.6) + 10;
}

function badge(label: string, message: string, color: string): string {
  const left = width(label);
  const right = width(message);
  const total = left + right;
  const text = (x: number, value: string) =>
    `<text x="${x * 10}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="${(width(value) - 10) * 10}">${escape(value)}</text>` +
    `<text x="${x * 10}" y="140" transform="scale(.1)" textLength="${(width(value) - 10) * 10}">${escape(value)}</text>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="20" role="img" aria-label="${escape(label)}: ${escape(message)}">
<title>${escape(label)}: ${escape(message)}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${total}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" fill="${color}"/><rect width="${total}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">${text(left / 2, label)}${text(left + right / 2, message)}</g>
</svg>
`;
}
