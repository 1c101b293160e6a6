import { z } from 'zod';
import type { Observation } from '../model/observation.ts';
import { listAll, said, type MoreContext } from './google-resource.ts';

/** A stream whose objects (tables) have errors, or whose backfill failed. */
export const OBJECT_ERRORS = 'OBJECT_ERRORS';
/** Backfill states that mean the table's history will not arrive. */
const FAILED_BACKFILL = ['FAILED', 'UNSUPPORTED'];
/** Objects named in the detail; the rest are counted. */
const SHOWN = 5;

const error = z.looseObject({ reason: z.string().optional(), message: z.string().optional() });
const streamObject = z.looseObject({
  displayName: z.string().optional(),
  name: z.string().optional(),
  errors: z.array(error).default([]),
  backfillJob: z.looseObject({ state: z.string().optional(), errors: z.array(error).default([]) }).optional(),
  sourceObject: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
type StreamObject = z.output<typeof streamObject>;

/**
 * Reads every object of the stream (`streams.objects.list`, every page) and reports OBJECT_ERRORS
 * naming each broken one (`schema.table: reason: message`), the first few and then a count; null
 * when every object is fine. A list that fails is a failure state, as for the stream.
 */
export async function objectErrors(path: string, context: MoreContext): Promise<Observation | null> {
  const pages = await listAll(
    (page) => context.get('datastream', page),
    { items: 'streamObjects' },
    path,
    context.resource,
  );
  if ('observation' in pages) return pages.observation;
  const broken = pages.items
    .map((item) => streamObject.safeParse(item))
    .flatMap((parsed) => (parsed.success ? [parsed.data] : []))
    .map((object) => ({ object, why: problems(object) }))
    .filter(({ why }) => why.length > 0);
  if (broken.length === 0) return null;
  const shown = broken.slice(0, SHOWN).map(({ object, why }) => `${objectName(object)}: ${why.join(', ')}`);
  const more = broken.length > SHOWN ? `and ${broken.length - SHOWN} more` : undefined;
  return {
    state: OBJECT_ERRORS,
    detail: said(`${broken.length} of ${pages.items.length} objects have errors`, ...shown, more),
  };
}

function problems(object: StreamObject): string[] {
  const told = (e: z.output<typeof error>) => [e.reason, e.message].filter(Boolean).join(': ');
  const backfill = object.backfillJob;
  return [
    ...object.errors.map(told),
    ...(backfill?.state && FAILED_BACKFILL.includes(backfill.state)
      ? [
          `backfill ${backfill.state}${backfill.errors.length ? ` (${backfill.errors.map(told).join(', ')})` : ''}`,
        ]
      : []),
  ];
}

/** `schema.table` (or `database.table`, `database.collection`…) from the source identifier. */
function objectName(object: StreamObject): string {
  const identifier = Object.values(object.sourceObject ?? {})[0];
  if (identifier) {
    const parts = ['schema', 'database', 'table', 'collection', 'objectName']
      .map((key) => identifier[key])
      .filter((part): part is string => typeof part === 'string');
    if (parts.length > 0) return parts.join('.');
  }
  return object.displayName ?? object.name?.split('/').at(-1) ?? 'an object';
}
