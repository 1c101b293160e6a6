import type { Incident } from '../model/incident.ts';
import type { IncidentStore } from './incident-store.ts';

interface Pointer {
  incident: string;
  resolvedBy: string | null;
}

/** Incidents in memory (`STATE_STORE=memory`, tests): lost on restart, like the states. */
export class MemoryIncidents implements IncidentStore {
  private readonly byId = new Map<string, Incident>();
  private readonly pointers = new Map<string, Pointer>();

  openFor(targets: readonly string[], entry?: string): Promise<Map<string, Incident>> {
    const found = new Map<string, Incident>();
    for (const target of targets) {
      const pointer = this.pointers.get(target);
      const incident = pointer && this.byId.get(pointer.incident);
      if (incident && (pointer.resolvedBy === null || pointer.resolvedBy === entry)) {
        found.set(target, structuredClone(incident));
      }
    }
    return Promise.resolve(found);
  }

  get(id: string): Promise<Incident | undefined> {
    const incident = this.byId.get(id);
    return Promise.resolve(incident && structuredClone(incident));
  }

  create(incident: Incident): Promise<void> {
    this.byId.set(incident.id, structuredClone(incident));
    for (const target of Object.keys(incident.targets)) {
      this.pointers.set(target, { incident: incident.id, resolvedBy: null });
    }
    return Promise.resolve();
  }

  update(
    id: string,
    touched: readonly string[],
    entry: string,
    change: (incident: Incident) => void,
  ): Promise<Incident | undefined> {
    const incident = this.byId.get(id);
    if (!incident) return Promise.resolve(undefined);
    change(incident);
    incident.version += 1;
    for (const target of touched) {
      const resolved = incident.targets[target]?.resolvedAt != null;
      this.pointers.set(target, { incident: id, resolvedBy: resolved ? entry : null });
    }
    return Promise.resolve(structuredClone(incident));
  }

  close(incident: Incident): Promise<void> {
    for (const target of Object.keys(incident.targets)) {
      if (this.pointers.get(target)?.incident === incident.id) this.pointers.delete(target);
    }
    return Promise.resolve();
  }
}
