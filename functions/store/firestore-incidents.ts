import type { CollectionReference, Firestore } from '@google-cloud/firestore';
import type { Incident } from '../model/incident.ts';
import type { IncidentStore } from './incident-store.ts';
import { expiresAfter } from './shared.ts';
import type { OperationCount } from './state-store.ts';

interface Pointer {
  incident: string;
  resolvedBy: string | null;
}

/**
 * Incidents in Firestore:
 * - `incidents/{channel/ts, URI-encoded}`: the incident, as one JSON string (dates as ISO
 *   strings), and `expireAt`.
 * - `incident-of/{target}` (the name URI-encoded: names may hold `/`): `{ incident, resolvedBy, expireAt }`,
 *   the incident the target is in (see IncidentStore).
 */
export class FirestoreIncidents implements IncidentStore {
  private readonly incidents: CollectionReference;
  private readonly pointers: CollectionReference;
  private readonly db: Firestore;
  private readonly operations: OperationCount;

  constructor(db: Firestore, prefix: string, operations: OperationCount) {
    this.db = db;
    this.incidents = db.collection(`${prefix}incidents`);
    this.pointers = db.collection(`${prefix}incident-of`);
    this.operations = operations;
  }

  async openFor(targets: readonly string[], entry?: string): Promise<Map<string, Incident>> {
    const found = new Map<string, Incident>();
    if (targets.length === 0) return found;
    const snapshots = await this.db.getAll(...targets.map((t) => this.pointers.doc(docId(t))));
    this.operations.reads += snapshots.length;
    const pointers = snapshots.map((s) => (s.exists ? (s.data() as Pointer) : undefined));
    const wanted = pointers.map((p) =>
      p && (p.resolvedBy === null || p.resolvedBy === entry) ? p.incident : undefined,
    );
    const ids = [...new Set(wanted.filter((id) => id !== undefined))];
    if (ids.length === 0) return found;
    const docs = await this.db.getAll(...ids.map((id) => this.incidents.doc(docId(id))));
    this.operations.reads += docs.length;
    const byId = new Map(docs.filter((d) => d.exists).map((d) => [d.id, parse(d.get('incident') as string)]));
    targets.forEach((target, i) => {
      const id = wanted[i];
      const incident = id === undefined ? undefined : byId.get(docId(id));
      if (incident) found.set(target, incident);
    });
    return found;
  }

  async get(id: string): Promise<Incident | undefined> {
    const doc = await this.incidents.doc(docId(id)).get();
    this.operations.reads += 1;
    return doc.exists ? parse(doc.get('incident') as string) : undefined;
  }

  async create(incident: Incident): Promise<void> {
    const batch = this.db.batch();
    const expireAt = expiresAfter(incident.openedAt);
    batch.set(this.incidents.doc(docId(incident.id)), { incident: JSON.stringify(incident), expireAt });
    for (const target of Object.keys(incident.targets)) {
      batch.set(this.pointers.doc(docId(target)), { incident: incident.id, resolvedBy: null, expireAt });
    }
    await batch.commit();
    this.operations.writes += 1 + Object.keys(incident.targets).length;
  }

  update(
    id: string,
    touched: readonly string[],
    entry: string,
    change: (incident: Incident) => void,
  ): Promise<Incident | undefined> {
    const ref = this.incidents.doc(docId(id));
    return this.db.runTransaction(async (tx) => {
      const doc = await tx.get(ref);
      this.operations.reads += 1;
      if (!doc.exists) return undefined;
      const incident = parse(doc.get('incident') as string);
      change(incident);
      incident.version += 1;
      // Kept 90 days after its last change: an incident open for longer is not lost.
      const expireAt = expiresAfter(new Date());
      tx.set(ref, { incident: JSON.stringify(incident), expireAt });
      for (const target of touched) {
        const resolved = incident.targets[target]?.resolvedAt != null;
        tx.set(this.pointers.doc(docId(target)), {
          incident: id,
          resolvedBy: resolved ? entry : null,
          expireAt,
        });
      }
      this.operations.writes += 1 + touched.length;
      return incident;
    });
  }

  close(incident: Incident): Promise<void> {
    const refs = Object.keys(incident.targets).map((t) => this.pointers.doc(docId(t)));
    return this.db.runTransaction(async (tx) => {
      const snapshots = await tx.getAll(...refs);
      this.operations.reads += snapshots.length;
      // Only those still pointing here: a target may be in a newer incident since.
      snapshots.forEach((s, i) => {
        const ref = refs[i];
        if (ref && s.exists && (s.data() as Pointer).incident === incident.id) tx.delete(ref);
      });
    });
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
