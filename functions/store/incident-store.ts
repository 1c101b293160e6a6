import type { Incident } from '../model/incident.ts';

/**
 * Where the Slack app keeps its incidents: which message each unhealthy target's alert opened.
 * Separate from the state store: only a route posted by the app uses it.
 */
export interface IncidentStore {
  /** The open incident of each of these targets that has one. */
  openFor(targets: readonly string[]): Promise<Map<string, Incident>>;
  /**
   * Writes the incident as it is now: its unresolved targets point to it, its resolved ones no
   * longer do (their next alert opens a new incident). Idempotent: saving it twice changes nothing.
   */
  save(incident: Incident): Promise<void>;
  /** No target points to it any more (its message was deleted): their next alert opens a new one. */
  close(incident: Incident): Promise<void>;
}
