import type { Notice } from './notification.ts';

/**
 * One Slack app message and everything said about it: an alert opens it, later changes of its
 * targets are replies in its thread, and each recovery edits it. Incoming webhooks have none
 * (they return no message id).
 */
export interface Incident {
  /** The channel and `ts` of its message: `C0123/1700000000.000100`. */
  id: string;
  channel: string;
  ts: string;
  /** The outbox entry whose message opened it: that entry, sent again, must not reply to it. */
  openedBy: string;
  openedAt: Date;
  /** The notices that opened it: the message is rendered from them again at each edit. */
  opening: Notice[];
  /** Each target's course since: the states it went through, and its recovery. */
  targets: Record<string, IncidentTarget>;
  /** Bumped by every change: an edit rendered from an older version is made again. */
  version: number;
}

export interface IncidentTarget {
  /** Every state it was reported in, in order, starting with the one that opened the incident. */
  states: string[];
  /** When it recovered, and to what; null while it is still unhealthy. */
  resolvedAt: Date | null;
  resolvedTo: string | null;
}

/** Whether every target of the incident has recovered. */
export function resolved(incident: Incident): boolean {
  return Object.values(incident.targets).every((t) => t.resolvedAt !== null);
}
