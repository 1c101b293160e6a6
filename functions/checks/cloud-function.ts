import { z } from 'zod';
import { consoleLink, googleResourceKind, restPath, said, stateName } from './google-resource.ts';

/** Cloud Functions v2 `Function.State` (google/cloud/functions/v2/functions.proto). */
const STATES = ['STATE_UNSPECIFIED', 'ACTIVE', 'FAILED', 'DEPLOYING', 'DELETING', 'UNKNOWN'] as const;

/** A Cloud Function, 1st or 2nd gen, through the v2 API (`projects.locations.functions.get`). */
export const cloudFunction = googleResourceKind<'cloud-function'>({
  service: 'cloudfunctions',
  api: 'Cloud Functions API',
  viewerRole: 'roles/cloudfunctions.viewer',
  describe: (t) => `Cloud Function ${t.project ?? ''}/${t.location}/${t.function}`,
  path: (t) => restPath('v2', 'projects', t.project, 'locations', t.location, 'functions', t.function),
  answer: z
    .looseObject({
      state: stateName('STATE_UNSPECIFIED'),
      stateMessages: z
        .array(
          z.looseObject({
            severity: z.string().optional(),
            type: z.string().optional(),
            message: z.string().optional(),
          }),
        )
        .default([]),
    })
    .transform((f) => ({
      state: f.state,
      detail: said(
        ...f.stateMessages.map((m) => `${m.severity ?? 'INFO'} ${m.type ?? ''}: ${m.message ?? ''}`),
      ),
    })),
  states: STATES,
  consoleUrl: (t) => consoleLink(t.project, 'functions/details', t.location, t.function),
  list: {
    key: 'function',
    path: (t) => restPath('v2', 'projects', t.project, 'locations', t.location, 'functions'),
    items: 'functions',
  },
});
