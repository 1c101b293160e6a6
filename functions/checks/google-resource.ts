import { z } from 'zod';
import type { Kind, Target, TargetOf } from '../config/schema.ts';
import type { Observation } from '../model/observation.ts';
import {
  GOOGLE_FAILURE_STATES,
  googleAnswer,
  googleApiFailure,
  type GoogleResource,
} from './google-api-error.ts';
import type { CheckContext, ConfigProblem, KindModule, Listed } from './kind.ts';

/** The kinds whose targets name a Google project: the ones a Google resource kind can be. */
type ProjectKind = { [K in Kind]: TargetOf<K> extends { project?: string | undefined } ? K : never }[Kind];

/** Reads one page of a Google REST API, the target's timeout and signal applied. */
export type GoogleGet = (path: string) => Promise<unknown>;

/** What makes one Google resource kind: where the resource is read, and how its answer reads. */
export interface GoogleResourceSpec<K extends ProjectKind> {
  /** The API's host name: `sqladmin` for sqladmin.googleapis.com (and `SQLADMIN_API_URL`). */
  service: string;
  /** For people: `Cloud SQL Admin API`. */
  api: string;
  /** The role that lets the poller read it: `roles/cloudsql.viewer`. */
  viewerRole: string;
  /** Its entry in Terraform's `watched_services`, when it is not `service`. */
  watchedAs?: string;
  /** The resource, for details: `Cloud SQL instance acme/orders-db`. */
  describe: (target: TargetOf<K>) => string;
  /** Its REST path under the API's root: `v1/projects/acme/instances/orders-db`. */
  path: (target: TargetOf<K>) => string;
  /**
   * How to read it when one GET of `path` is not enough (the newest run of a job, say): returns
   * the resource's JSON, or an observation when there is nothing to read (no run yet).
   */
  read?: (
    target: TargetOf<K>,
    get: GoogleGet,
    resource: GoogleResource,
  ) => Promise<{ resource: unknown } | { observation: Observation }>;
  /** The answer's shape, read into the observed state and its detail. */
  answer: z.ZodType<Observation>;
  /** Every state the resource's API reports (besides NOT_FOUND, API_ERROR…). */
  states: readonly string[];
  consoleUrl: (target: TargetOf<K>) => string;
  /** Checks past the resource's state (Datastream's objects and freshness), given what was read. */
  more?: (
    target: TargetOf<K>,
    observed: Observation,
    resource: Record<string, unknown>,
    context: MoreContext,
  ) => Promise<Observation>;
  /** How `"*"` in the id key watches every such resource (discovery); absent: no discovery. */
  list?: ListSpec<K>;
  /** Fills in the target from the environment; default: `project` from GOOGLE_CLOUD_PROJECT. */
  resolve?: (target: TargetOf<K>, env: NodeJS.ProcessEnv, problem: ConfigProblem) => TargetOf<K>;
}

export interface MoreContext {
  /** GETs from any Google API, under the target's timeout. */
  get: (service: string, path: string) => Promise<unknown>;
  /** The resource, for `googleAnswer` and its error details. */
  resource: GoogleResource;
  now: Date;
  signal: AbortSignal;
  timeout: number;
}

/** A list method: one line in the YAML (`instance: "*"`) for every resource it returns. */
export interface ListSpec<K extends ProjectKind> {
  /** The target key that holds the resource id, and may hold `"*"`. */
  key: keyof TargetOf<K> & string;
  /** The API of the list when it is not the kind's own (workflows are listed by `workflows`). */
  service?: string;
  /** The collection's REST path: `v1/projects/acme/instances`. */
  path: (target: TargetOf<K>) => string;
  /** The answer's key that holds the page's resources: `instances`, `items`… */
  items: string;
  /**
   * The query parameter of the page size: `pageSize` for most APIs, `maxResults` for some; null
   * for a list that has no pages (GKE's), which refuses paging parameters.
   */
  pageSize?: 'pageSize' | 'maxResults' | null;
  /** Whether a listed resource carries its state, so no GET is needed; default true. */
  complete?: boolean;
  /** The resource's id in a listed item; default: the last segment of its `name`. */
  id?: (item: Record<string, unknown>) => unknown;
  /**
   * The items that are members, when the list holds several per member (Dataflow: every job of a
   * name, the newest being the member); default: every item.
   */
  select?: (items: Record<string, unknown>[]) => Record<string, unknown>[];
}

/** The most pages one list may take: 100 pages of 500 is more than any project holds of a kind. */
const MAX_PAGES = 100;
const PAGE_SIZE = 500;
/**
 * The most resources one discovery target watches: each is a target, with its state on the board
 * and its share of a poll's messages. Past it the list is the target's failure: split it.
 */
export const MAX_MEMBERS = 500;
const pageShape = z.looseObject({
  items: z.array(z.looseObject({})).default([]),
  nextPageToken: z.string().optional(),
  // Where the API could not look (a region down): the list is then not the whole truth.
  unreachable: z.array(z.unknown()).default([]),
  missingZones: z.array(z.unknown()).default([]),
  failedLocation: z.array(z.unknown()).default([]),
});

/**
 * A kind that reads one Google resource with a GET and reports its own state: every preset is one
 * of these, so a preset's file says only what is particular to its API. Failures are states, as
 * for every Google kind (`googleApiFailure`), and `project` defaults to GOOGLE_CLOUD_PROJECT.
 */
export function googleResourceKind<K extends ProjectKind>(spec: GoogleResourceSpec<K>): KindModule<K> {
  const resourceOf = (target: TargetOf<K>): GoogleResource => ({
    name: spec.describe(target),
    api: spec.api,
    viewerRole: spec.viewerRole,
  });
  const { list } = spec;
  return {
    states: [...spec.states, ...(list ? ['DELETED'] : []), ...GOOGLE_FAILURE_STATES],
    consoleUrl: spec.consoleUrl,
    resolve: spec.resolve ?? defaultProject,
    google: { service: spec.watchedAs ?? spec.service, viewerRole: spec.viewerRole },
    async check(target, context) {
      // Every target has a timeout; TypeScript cannot see it through the generic kind.
      const { timeout } = target as Target;
      const { signal, google } = context;
      const resource = resourceOf(target);
      const get = (service: string, path: string) => google.get(service, path, { signal, timeout });
      try {
        let data: unknown = context.listed;
        if (data === undefined && spec.read) {
          const found = await spec.read(target, (path) => get(spec.service, path), resource);
          if ('observation' in found) return found.observation;
          data = found.resource;
        }
        data ??= await get(spec.service, spec.path(target));
        const read = googleAnswer(data, spec.answer, resource);
        if ('observation' in read) return read.observation;
        return spec.more
          ? await spec.more(target, read.answer, data as Record<string, unknown>, {
              get,
              resource,
              now: context.now,
              signal,
              timeout,
            })
          : read.answer;
      } catch (error) {
        return googleApiFailure(error, resource, signal, timeout);
      }
    },
    ...(list && {
      discovery: {
        key: list.key,
        async list(target: TargetOf<K>, context: CheckContext) {
          const { timeout } = target as Target;
          const { signal, google } = context;
          const resource = resourceOf({ ...target, [list.key]: '*' });
          try {
            const pages = await listAll(
              (path) => google.get(list.service ?? spec.service, path, { signal, timeout }),
              list,
              list.path(target),
              resource,
            );
            if ('observation' in pages) return pages.observation;
            return listed(list.select ? list.select(pages.items) : pages.items, list, resource);
          } catch (error) {
            return googleApiFailure(error, resource, signal, timeout);
          }
        },
      },
    }),
  };
}

/**
 * The resources of a discovery list, each by its id. A list the poller cannot trust whole (a
 * resource without a name, the same id twice, more than {@link MAX_MEMBERS}) is a failure, so
 * that no member is declared DELETED on its account.
 */
function listed(
  items: readonly Record<string, unknown>[],
  list: Pick<ListSpec<never>, 'id' | 'complete'>,
  resource: GoogleResource,
): Listed[] | Observation {
  const failed = (why: string): Observation => ({ state: 'API_ERROR', detail: `${resource.name}: ${why}` });
  if (items.length > MAX_MEMBERS) {
    return failed(`${items.length} listed, more than the ${MAX_MEMBERS} one target watches; narrow it`);
  }
  const found = items.map((item): Listed => {
    // `name` is a full resource name in most APIs, the bare id in some (sqladmin, compute).
    const id = list.id ? list.id(item) : item['name'];
    return {
      id: typeof id === 'string' ? (id.split('/').at(-1) ?? '') : '',
      ...(list.complete !== false && { resource: item }),
    };
  });
  const ids = found.map((f) => f.id);
  if (ids.includes('')) return failed('a listed resource has no name');
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice !== undefined) return failed(`"${twice}" is listed twice (a list across locations?)`);
  return found;
}

/** Every page of a list, following `nextPageToken`; an answer of another shape is an observation. */
export async function listAll(
  get: GoogleGet,
  list: Pick<ListSpec<never>, 'items' | 'pageSize'>,
  path: string,
  resource: GoogleResource,
): Promise<{ items: Record<string, unknown>[] } | { observation: Observation }> {
  const items: Record<string, unknown>[] = [];
  let token: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams();
    if (list.pageSize !== null) query.set(list.pageSize ?? 'pageSize', String(PAGE_SIZE));
    if (token) query.set('pageToken', token);
    const data = await get(query.size > 0 ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path);
    // Read under one key whatever the API calls it (`instances`, `items`…).
    const page =
      typeof data === 'object' && data !== null
        ? { ...data, items: (data as Record<string, unknown>)[list.items] }
        : data;
    const read = googleAnswer(page, pageShape, resource);
    if ('observation' in read) return read;
    const { unreachable, missingZones, failedLocation } = read.answer;
    const missing = [...unreachable, ...missingZones, ...failedLocation];
    if (missing.length > 0) {
      return {
        observation: {
          state: 'API_ERROR',
          detail: `${resource.api} could not list everything for ${resource.name}: unreachable ${JSON.stringify(missing).slice(0, 300)}`,
        },
      };
    }
    items.push(...read.answer.items);
    token = read.answer.nextPageToken || undefined;
    if (!token) return { items };
  }
  return {
    observation: {
      state: 'API_ERROR',
      detail: `${resource.api} listed more than ${MAX_PAGES} pages for ${resource.name}; narrow the target`,
    },
  };
}

/** `project` from GOOGLE_CLOUD_PROJECT (the function's own project) when the target leaves it out. */
export function defaultProject<T extends { project?: string | undefined }>(
  target: T,
  env: NodeJS.ProcessEnv,
  problem: ConfigProblem,
): T {
  if (target.project !== undefined) return target;
  const project = env['GOOGLE_CLOUD_PROJECT'];
  if (!project) problem(['project'], 'is required because GOOGLE_CLOUD_PROJECT is not set');
  return project ? { ...target, project } : target;
}

/** `a`, `b: c`, … joined for a detail: the resource's own words about its state. */
export function said(...parts: (string | undefined | null | false)[]): string {
  return parts.filter((part): part is string => typeof part === 'string' && part !== '').join('; ');
}

/** A REST path from its segments, each encoded: `path('v1', 'projects', p, 'instances', i)`. */
export function restPath(...segments: (string | undefined)[]): string {
  return segments.map((s) => encodeURIComponent(s ?? '')).join('/');
}

/** A state as Google's JSON writes it; proto3 JSON leaves out a default enum, so none is `unspecified`. */
export function stateName(unspecified: string) {
  return z
    .string()
    .regex(/^[A-Z_]{1,100}$/, 'is not a state name')
    .default(unspecified);
}

/** A Cloud console link: `console('sql/instances', id, 'overview')` with `?project=`. */
export function consoleLink(project: string | undefined, ...segments: (string | undefined)[]): string {
  const path = segments.map((s) => (s ?? '').split('/').map(encodeURIComponent).join('/')).join('/');
  return `https://console.cloud.google.com/${path}?project=${encodeURIComponent(project ?? '')}`;
}
