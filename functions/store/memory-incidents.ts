import type { Incident } from '../model/incident.ts';
import type { IncidentStore } from './incident-store.ts';

/** Incidents in memory (`STATE_STORE=memory`, tests): lost on restart, like the states. */
export class MemoryIncidents implements IncidentStore {
  private readonly byId = new Map<string, Incident>();
  private readonly openOf = new Map<string, string>();

  openFor(targets: readonly string[]): Promise<Map<string, Incident>> {
    const found = new Map<string, Incident>();
    for (const target of targets) {
      const incident = this.byId.get(this.openOf.get(target) ?? '');
      if (incident) found.set(target, structuredClone(incident));
    }
    return Promise.resolve(found);
  }

  save(incident: Incident): Promise<void> {
    this.byId.set(incident.id, structuredClone(incident));
    for (const [target, course] of Object.entries(incident.targets)) {
      if (course.resolvedAt === null) this.openOf.set(target, incident.id);
      else if (this.openOf.get(target) === incident.id) this.openOf.delete(target);
    }
    return Promise.resolve();
  }

  close(incident: Incident): Promise<void> {
    for (const target of Object.keys(incident.targets)) {
      if (this.openOf.get(target) === incident.id) this.openOf.delete(target);
    }
    return Promise.resolve();
  }
}
