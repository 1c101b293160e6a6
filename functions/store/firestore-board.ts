import {
  FieldPath,
  FieldValue,
  type CollectionReference,
  type DocumentReference,
  type DocumentSnapshot,
  type Transaction,
} from '@google-cloud/firestore';

/**
 * The board: every target's current state, split over a few documents by a hash of the target's
 * name, so that it grows past Firestore's 1 MiB document limit while a steady poll still reads
 * one document per ~500 targets and writes none.
 *
 * - `status/targets` is shard 0, and says how many shards there are (`shards`; absent: 1, the
 *   layout of 0.2 and before, read as it is). `status/targets-1`, `-2`, … are the others.
 * - A target lives in shard `hash(name) % shards`; its entry is `targets.<name>`.
 * - A read takes shard 0 and the shards of the names asked (a ping: one or two documents); a
 *   full poll takes them all. A write sets only the entries that changed, in the shards they are
 *   in (a merge), so a change writes what it touches.
 * - The count follows the board's size on full polls: one shard per 500 targets, and more when
 *   the entries are large (each shard kept under a third of the limit, a third of a 1 MiB
 *   document, so hash imbalance cannot reach half of it). Changing it rewrites every shard once,
 *   in the same transaction.
 */
const TARGETS_PER_SHARD = 500;
const BYTES_PER_SHARD = 340_000;
/** Shrink only when far below, so that a board near a boundary does not rewrite itself each poll. */
const SHRINK_BELOW = 0.5;

/** What a read of the board found: the entries of the shards it read, and which those are. */
interface BoardRead<E> {
  shards: number;
  entries: Map<string, E>;
  read: Set<number>;
  /** The shards read that exist (an update needs its document). */
  existing: Set<number>;
}

/** Where a target's entry lives, for a board of `shards` shards: FNV-1a of its name. */
function shardOf(name: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

/** How many shards a board of these entries wants. */
function shardsFor(entries: ReadonlyMap<string, unknown>): number {
  let bytes = 0;
  for (const [name, entry] of entries) bytes += entryBytes(name, entry);
  return Math.max(1, Math.ceil(entries.size / TARGETS_PER_SHARD), Math.ceil(bytes / BYTES_PER_SHARD));
}

/** An entry's size as Firestore counts it: bytes, so a detail in Japanese takes three per character. */
function entryBytes(name: string, entry: unknown): number {
  return (
    Buffer.byteLength(name) + Buffer.byteLength(typeof entry === 'string' ? entry : JSON.stringify(entry))
  );
}

/** Whether a board of `current` shards should become one of `wanted`. */
function reshards(current: number, wanted: number): boolean {
  return wanted > current || wanted < current * SHRINK_BELOW;
}

/** The board of entries `E` (the store's stored status: its shape is the store's business). */
export class FirestoreBoard<E> {
  private readonly status: CollectionReference;
  /** Document reads, for the operations a poll reports. */
  private readonly count: (reads: number) => void;

  constructor(status: CollectionReference, count: (reads: number) => void) {
    this.status = status;
    this.count = count;
  }

  shard(index: number): DocumentReference {
    return this.status.doc(index === 0 ? 'targets' : `targets-${index}`);
  }

  /**
   * Reads shard 0 and the shards holding `names` (every shard when a name ends in "/": the members
   * of a discovery target may be anywhere), through `get` (a transaction's, or a plain one).
   */
  async read(get: Getter, names: readonly string[]): Promise<BoardRead<E>> {
    const first = await get([this.shard(0)]);
    this.count(1);
    const zero = first[0];
    const shards = typeof zero?.get('shards') === 'number' ? (zero.get('shards') as number) : 1;
    const board: BoardRead<E> = { shards, entries: new Map(), read: new Set(), existing: new Set() };
    add(board, 0, zero);
    const wanted = names.some((name) => name.endsWith('/'))
      ? range(shards)
      : [...new Set(names.map((name) => shardOf(name, shards)))];
    await this.readMore(get, board, wanted);
    return board;
  }

  /** Reads the shards of `wanted` not read yet. */
  async readMore(
    get: Getter,
    board: BoardRead<E>,
    wanted: readonly number[] = range(board.shards),
  ): Promise<void> {
    const missing = wanted.filter((index) => !board.read.has(index));
    if (missing.length === 0) return;
    const snapshots = await get(missing.map((index) => this.shard(index)));
    this.count(missing.length);
    missing.forEach((index, i) => {
      add(board, index, snapshots[i]);
    });
  }

  /**
   * Whether a board of about `entries` entries, of which `board` read some shards, may want
   * another number of shards: its count is far from what that many entries want, or a shard read
   * holds more bytes than a shard should. Only a write after reading all of it can reshard.
   */
  mayReshard(board: BoardRead<E>, entries: number): boolean {
    return reshards(board.shards, Math.max(1, Math.ceil(entries / TARGETS_PER_SHARD))) || this.crowded(board);
  }

  private crowded(board: BoardRead<E>): boolean {
    const bytes = new Map<number, number>();
    for (const [name, entry] of board.entries) {
      const index = shardOf(name, board.shards);
      bytes.set(index, (bytes.get(index) ?? 0) + entryBytes(name, entry));
    }
    return [...bytes.values()].some((total) => total > BYTES_PER_SHARD);
  }

  /**
   * Writes the entries that changed and drops the forgotten ones, each in its shard; or, when the
   * board wants another number of shards (and all of it was read), rewrites it whole. Returns the
   * number of documents written.
   */
  write(
    tx: Transaction,
    board: BoardRead<E>,
    set: ReadonlyMap<string, E>,
    forget: readonly string[],
  ): number {
    const updatedAt = FieldValue.serverTimestamp();
    if (board.read.size === board.shards) {
      const after = new Map(board.entries);
      for (const name of forget) after.delete(name);
      for (const [name, entry] of set) after.set(name, entry);
      const wanted = shardsFor(after);
      if (reshards(board.shards, wanted)) return this.rewrite(tx, board.shards, wanted, after);
    }
    const touched = new Map<number, Map<string, E | null>>();
    const into = (name: string) => {
      const index = shardOf(name, board.shards);
      const entries = touched.get(index) ?? new Map<string, E | null>();
      touched.set(index, entries);
      return entries;
    };
    for (const name of forget) into(name).set(name, null);
    for (const [name, entry] of set) into(name).set(name, entry);
    for (const [index, entries] of touched) {
      const ref = this.shard(index);
      if (!board.existing.has(index)) {
        const targets = Object.fromEntries([...entries].filter(([, entry]) => entry !== null));
        tx.set(ref, { targets, updatedAt });
        continue;
      }
      // Only these entries, each replaced whole; by field path, as a name may hold dots.
      const pairs = [...entries].flatMap(([name, entry]) => [
        new FieldPath('targets', name),
        entry ?? FieldValue.delete(),
      ]);
      tx.update(ref, 'updatedAt', updatedAt, ...pairs);
    }
    return touched.size;
  }

  private rewrite(tx: Transaction, from: number, to: number, entries: ReadonlyMap<string, E>): number {
    const updatedAt = FieldValue.serverTimestamp();
    const docs = Array.from({ length: to }, () => ({}));
    for (const [name, entry] of entries) (docs[shardOf(name, to)] as Record<string, E>)[name] = entry;
    docs.forEach((targets, index) => {
      tx.set(this.shard(index), { targets, updatedAt, ...(index === 0 && { shards: to }) });
    });
    for (let index = to; index < from; index++) tx.delete(this.shard(index));
    return Math.max(from, to);
  }
}

/** Reads documents: a transaction's `getAll`, or the database's. */
type Getter = (refs: DocumentReference[]) => Promise<DocumentSnapshot[]>;

function add<E>(board: BoardRead<E>, index: number, snapshot: DocumentSnapshot | undefined): void {
  board.read.add(index);
  if (snapshot?.exists) board.existing.add(index);
  const targets = (snapshot?.get('targets') ?? {}) as Record<string, E>;
  for (const [name, entry] of Object.entries(targets)) board.entries.set(name, entry);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
