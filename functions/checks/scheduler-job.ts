import { z } from 'zod';
import { consoleLink, googleResourceKind, restPath, said, stateName } from './google-resource.ts';

/** Cloud Scheduler v1 `Job.State` (google/cloud/scheduler/v1/job.proto). */
const STATES = ['STATE_UNSPECIFIED', 'ENABLED', 'PAUSED', 'DISABLED', 'UPDATE_FAILED'] as const;

/**
 * A Cloud Scheduler job (`projects.locations.jobs.get`). An enabled job whose last attempt failed
 * (its `status`, a google.rpc.Status, has a code other than 0) is LAST_ATTEMPT_FAILED: the job is
 * on, but what it calls is not working.
 */
export const schedulerJob = googleResourceKind<'scheduler-job'>({
  service: 'cloudscheduler',
  api: 'Cloud Scheduler API',
  viewerRole: 'roles/cloudscheduler.viewer',
  describe: (t) => `Cloud Scheduler job ${t.project ?? ''}/${t.location}/${t.job}`,
  path: (t) => restPath('v1', 'projects', t.project, 'locations', t.location, 'jobs', t.job),
  answer: z
    .looseObject({
      state: stateName('STATE_UNSPECIFIED'),
      schedule: z.string().optional(),
      lastAttemptTime: z.string().optional(),
      status: z.looseObject({ code: z.number().default(0), message: z.string().optional() }).optional(),
    })
    .transform((j) => {
      const failed = j.state === 'ENABLED' && j.status !== undefined && j.status.code !== 0;
      return {
        state: failed ? 'LAST_ATTEMPT_FAILED' : j.state,
        detail: said(
          failed && `last attempt ${j.lastAttemptTime ?? ''} failed with code ${j.status?.code ?? ''}`,
          j.status?.message,
          j.schedule && `schedule ${j.schedule}`,
        ),
      };
    }),
  states: [...STATES, 'LAST_ATTEMPT_FAILED'],
  consoleUrl: (t) => consoleLink(t.project, 'cloudscheduler/jobs/edit', t.location, t.job),
  list: {
    key: 'job',
    path: (t) => restPath('v1', 'projects', t.project, 'locations', t.location, 'jobs'),
    items: 'jobs',
  },
});
