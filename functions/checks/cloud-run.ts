import { z } from 'zod';
import { consoleLink, googleResourceKind, restPath, said, stateName } from './google-resource.ts';

/** Cloud Run v2 `Condition.State` (google/cloud/run/v2/condition.proto). */
const STATES = [
  'STATE_UNSPECIFIED',
  'CONDITION_PENDING',
  'CONDITION_RECONCILING',
  'CONDITION_FAILED',
  'CONDITION_SUCCEEDED',
] as const;

/** A Cloud Run service (`projects.locations.services.get`): the state of its terminal (Ready) condition. */
export const cloudRun = googleResourceKind<'cloud-run'>({
  service: 'run',
  api: 'Cloud Run Admin API',
  viewerRole: 'roles/run.viewer',
  describe: (t) => `Cloud Run service ${t.project ?? ''}/${t.location}/${t.service}`,
  path: (t) => restPath('v2', 'projects', t.project, 'locations', t.location, 'services', t.service),
  answer: z
    .looseObject({
      reconciling: z.boolean().default(false),
      latestReadyRevision: z.string().optional(),
      terminalCondition: z
        .looseObject({
          state: stateName('STATE_UNSPECIFIED'),
          message: z.string().optional(),
          reason: z.string().optional(),
          revisionReason: z.string().optional(),
        })
        .prefault({}),
    })
    .transform((s) => ({
      state: s.terminalCondition.state,
      detail: said(
        s.reconciling && 'reconciling',
        s.terminalCondition.reason ?? s.terminalCondition.revisionReason,
        s.terminalCondition.message,
        s.latestReadyRevision && `serving ${s.latestReadyRevision.split('/').at(-1)}`,
      ),
    })),
  states: STATES,
  consoleUrl: (t) => consoleLink(t.project, 'run/detail', t.location, t.service, 'metrics'),
  list: {
    key: 'service',
    path: (t) => restPath('v2', 'projects', t.project, 'locations', t.location, 'services'),
    items: 'services',
  },
});
