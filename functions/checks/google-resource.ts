import type { z } from 'zod';
import type { Kind, Target, TargetOf } from '../config/schema.ts';
import type { Observation } from '../model/observation.ts';
import { GOOGLE_FAILURE_STATES, googleAnswer, googleApiFailure } from './google-api-error.ts';
import type { ConfigProblem, KindModule } from './kind.ts';

/** The kinds whose targets name a Google project: the ones a Google resource kind can be. */
type ProjectKind = { [K in Kind]: TargetOf<K> extends { project?: string | undefined } ? K : never }[Kind];

/** What makes one Google resource kind: where the resource is read, and how its answer reads. */
export interface GoogleResourceSpec<K extends ProjectKind> {
  /** The API's host name: `sqladmin` for sqladmin.googleapis.com (and `SQLADMIN_API_URL`). */
  service: string;
  /** For people: `Cloud SQL Admin API`. */
  api: string;
  /** The role that lets the poller read it: `roles/cloudsql.viewer`. */
  viewerRole: string;
  /** The resource, for details: `Cloud SQL instance acme/orders-db`. */
  describe: (target: TargetOf<K>) => string;
  /** Its REST path under the API's root: `v1/projects/acme/instances/orders-db`. */
  path: (target: TargetOf<K>) => string;
  /** The answer's shape, read into the observed state and its detail. */
  answer: z.ZodType<Observation>;
  /** Every state the resource's API reports (besides NOT_FOUND, API_ERROR…). */
  states: readonly string[];
  consoleUrl: (target: TargetOf<K>) => string;
}

/**
 * A kind that reads one Google resource with a GET and reports its own state: every preset is one
 * of these, so a preset's file says only what is particular to its API. Failures are states, as
 * for every Google kind (`googleApiFailure`), and `project` defaults to GOOGLE_CLOUD_PROJECT.
 */
export function googleResourceKind<K extends ProjectKind>(spec: GoogleResourceSpec<K>): KindModule<K> {
  return {
    states: [...spec.states, ...GOOGLE_FAILURE_STATES],
    consoleUrl: spec.consoleUrl,
    resolve: defaultProject,
    async check(target, { signal, google }) {
      // Every target has a timeout; TypeScript cannot see it through the generic kind.
      const { timeout } = target as Target;
      const resource = { name: spec.describe(target), api: spec.api, viewerRole: spec.viewerRole };
      try {
        const data = await google.get(spec.service, spec.path(target), { signal, timeout });
        const read = googleAnswer(data, spec.answer, resource);
        return 'observation' in read ? read.observation : read.answer;
      } catch (error) {
        return googleApiFailure(error, resource, signal, timeout);
      }
    },
  };
}

/** `project` from GOOGLE_CLOUD_PROJECT (the function's own project) when the target leaves it out. */
function defaultProject<T extends { project?: string | undefined }>(
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
