import { z } from 'zod';
import { consoleLink, googleResourceKind, restPath, said, stateName } from './google-resource.ts';

/** Cloud Composer v1 `Environment.State` (google/cloud/orchestration/airflow/service/v1/environments.proto). */
const STATES = ['STATE_UNSPECIFIED', 'CREATING', 'RUNNING', 'UPDATING', 'DELETING', 'ERROR'] as const;

/** A Cloud Composer environment (`projects.locations.environments.get`); it carries no message of its own. */
export const composer = googleResourceKind<'composer'>({
  service: 'composer',
  api: 'Cloud Composer API',
  viewerRole: 'roles/composer.user',
  describe: (t) => `Composer environment ${t.project ?? ''}/${t.location}/${t.environment}`,
  path: (t) => restPath('v1', 'projects', t.project, 'locations', t.location, 'environments', t.environment),
  answer: z
    .looseObject({
      state: stateName('STATE_UNSPECIFIED'),
      updateTime: z.string().optional(),
      config: z
        .looseObject({
          softwareConfig: z.looseObject({ imageVersion: z.string().optional() }).optional(),
        })
        .optional(),
    })
    .transform((e) => ({
      state: e.state,
      detail: said(e.config?.softwareConfig?.imageVersion, e.updateTime && `updated ${e.updateTime}`),
    })),
  states: STATES,
  consoleUrl: (t) =>
    consoleLink(t.project, 'composer/environments/detail', t.location, t.environment, 'monitoring'),
  list: {
    key: 'environment',
    path: (t) => restPath('v1', 'projects', t.project, 'locations', t.location, 'environments'),
    items: 'environments',
  },
});
