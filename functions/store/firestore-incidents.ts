import type { CollectionReference, Firestore } from '@google-cloud/firestore';
import type { Incident } from '../model/incident.ts';
import type { IncidentStore } from './incident-store.ts';
import type { OperationCount } from './state-store.ts';

/**
 * Incidents in Firestore:
 * - `incidents/{channel}-{ts}`: the incident, as one JSON string (dates as ISO strings).
 * - `incident-of/{target}` (the name URI-encoded: names may hold `/`): `{ incident: id }` while
 *   the target is unresolved in it.
 */
export class FirestoreIncidents implements IncidentStore {
  private readonly incidents: CollectionReference;
  private readonly openOf: CollectionReference;
  private readonly db: Firestore;
  private readonly operations: OperationCount;

  constructor(db: Firestore, prefix: string, operations: OperationCount) {
    this.db = db;
    this.incidents = db.collection(`${prefix}incidents`);
    this.openOf = db.collection(`${prefix}incident-of`);
    this.operations = operations;
  }

  async openFor(targets: readonly string[]): Promise<Map<string, Incident>> {
    const found = new Map<string, Incident>();
    if (targets.length === 0) return found;
    const pointers = await this.db.getAll(...targets.map((t) => this.openOf.doc(docId(t))));
    this.operations.reads += pointers.length;
    const ids = [...new Set(pointers.map((p) => p.get('incident') as string | undefined))].filter(
      (id): id is string => typeof id === 'string',
    );
    if (ids.length === 0) return found;
    const docs = await this.db.getAll(...ids.map((id) => this.incidents.doc(docId(id))));
    this.operations.reads += docs.length;
    const byId = new Map(
      docs.filter((d) => d.exists).map((d) => [d.id, parse(d.get('incident') as string)] as const),
    );
    targets.forEach((target, i) => {
      const id = pointers[i]?.get('incident') as string | undefined;
      const incident = id === undefined ? undefined : byId.get(docId(id));
      if (incident) found.set(target, incident);
    });
    return found;
  }

  async save(incident: Incident): Promise<void> {
    const batch = this.db.batch();
    batch.set(this.incidents.doc(docId(incident.id)), { incident: JSON.stringify(incident) });
    for (const [target, course] of Object.entries(incident.targets)) {
      const pointer = this.openOf.doc(docId(target));
      // A resolved target no longer points here: its next alert opens an incident of its own.
      if (course.resolvedAt === null) batch.set(pointer, { incident: incident.id });
      else batch.delete(pointer);
    }
    await batch.commit();
    this.operations.writes += 1 + Object.keys(incident.targets).length;
  }

  async close(incident: Incident): Promise<void> {
    const batch = this.db.batch();
    for (const target of Object.keys(incident.targets)) batch.delete(this.openOf.doc(docId(target)));
    await batch.commit();
    this.operations.writes += Object.keys(incident.targets).length;
  }
}

/** A document id for any name: Firestore's ids cannot hold `/`. */
function docId(name: string): string {
  return encodeURIComponent(name);
}

function parse(text: string): Incident {
  const raw = JSON.parse(text) as Incident;
  return {
    ...raw,
    openedAt: new Date(raw.openedAt),
    opening: raw.opening.map((n) => ({
      ...n,
      at: new Date(n.at),
      unhealthySince: n.unhealthySince === null ? null : new Date(n.unhealthySince),
    })),
    targets: Object.fromEntries(
      Object.entries(raw.targets).map(([name, t]) => [
        name,
        { ...t, resolvedAt: t.resolvedAt === null ? null : new Date(t.resolvedAt) },
      ]),
    ),
  };
}
