import type { Incident } from '../model/incident.ts';

/**
 * Where the Slack app keeps its incidents: which message each unhealthy target's alert opened.
 * Separate from the state store: only a route posted by the app uses it.
 *
 * A target points to its incident while it is unhealthy in it; when it recovers, the pointer
 * says which outbox entry told the recovery (`resolvedBy`), so that the same entry sent again
 * still finds the incident (its reply, its edit), and any other entry finds none.
 */
export interface IncidentStore {
  /**
   * The incident of each of these targets that has one open, or that the outbox entry `entry`
   * resolved (it is being sent again).
   */
  openFor(targets: readonly string[], entry?: string): Promise<Map<string, Incident>>;
  /** One incident as it is now, or undefined. */
  get(id: string): Promise<Incident | undefined>;
  /** Records a new incident, and points its targets to it. Saving it twice changes nothing. */
  create(incident: Incident): Promise<void>;
  /**
   * Changes an incident atomically (concurrent deliveries to one incident lose nothing), bumps
   * its version, and repoints the `touched` targets: to it while unresolved, as resolved by
   * `entry` once recovered. Returns it as stored; undefined when it is gone.
   */
  update(
    id: string,
    touched: readonly string[],
    entry: string,
    change: (incident: Incident) => void,
  ): Promise<Incident | undefined>;
  /** Its targets no longer point to it (its message was deleted): their next alert opens a new one. */
  close(incident: Incident): Promise<void>;
}
