import { z } from 'zod';
import { consoleLink, googleResourceKind, listAll, restPath, said, stateName } from './google-resource.ts';

/** Dataflow v1b3 `JobState` (google/dataflow/v1beta3/jobs.proto). */
const STATES = [
  'JOB_STATE_UNKNOWN',
  'JOB_STATE_STOPPED',
  'JOB_STATE_RUNNING',
  'JOB_STATE_DONE',
  'JOB_STATE_FAILED',
  'JOB_STATE_CANCELLED',
  'JOB_STATE_UPDATED',
  'JOB_STATE_DRAINING',
  'JOB_STATE_DRAINED',
  'JOB_STATE_PENDING',
  'JOB_STATE_CANCELLING',
  'JOB_STATE_QUEUED',
  'JOB_STATE_RESOURCE_CLEANING_UP',
  'JOB_STATE_PAUSING',
  'JOB_STATE_PAUSED',
] as const;

const jobsPath = (t: { project?: string | undefined; location: string }) =>
  restPath('v1b3', 'projects', t.project, 'locations', t.location, 'jobs');

const job = z.looseObject({ id: z.string(), name: z.string().optional(), createTime: z.string().optional() });

/** The newest job of each name (by `createTime`; a job without one counts as oldest). */
function newestByName(items: Record<string, unknown>[]): Record<string, unknown>[] {
  const newest = new Map<string, { item: Record<string, unknown>; at: number }>();
  for (const item of items) {
    const parsed = job.safeParse(item);
    if (!parsed.success) continue;
    const name = parsed.data.name ?? parsed.data.id;
    const at = Date.parse(parsed.data.createTime ?? '') || 0;
    const seen = newest.get(name);
    if (!seen || at > seen.at) newest.set(name, { item, at });
  }
  return [...newest.values()].sort((a, b) => b.at - a.at).map(({ item }) => item);
}
const jobMessages = z.looseObject({
  jobMessages: z
    .array(z.looseObject({ time: z.string().optional(), messageText: z.string().optional() }))
    .default([]),
});

/**
 * A Dataflow job by its name: the newest job of that name (a streaming job that is updated or
 * relaunched gets a new id, so its name is what a team knows). The list's order is "subject to
 * change", so the newest is picked by `createTime`. A job not running well gets its error
 * messages (`jobs.messages`, JOB_MESSAGE_ERROR) in the detail.
 */
export const dataflow = googleResourceKind<'dataflow'>({
  service: 'dataflow',
  api: 'Dataflow API',
  viewerRole: 'roles/dataflow.viewer',
  describe: (t) => `Dataflow job ${t.project ?? ''}/${t.location}/${t.job}`,
  path: (t) => `${jobsPath(t)}?name=${encodeURIComponent(t.job)}`,
  async read(t, get, resource) {
    // Every page: the order is "subject to change", and a job relaunched daily has many of a name.
    const pages = await listAll(
      get,
      { items: 'jobs' },
      `${jobsPath(t)}?filter=ALL&name=${encodeURIComponent(t.job)}`,
      resource,
    );
    if ('observation' in pages) return pages;
    const [newest] = newestByName(
      pages.items.filter((item) => item['name'] === undefined || item['name'] === t.job),
    );
    if (!newest) {
      return {
        observation: {
          state: 'NOT_FOUND',
          detail: `no Dataflow job named ${t.job} in ${t.project ?? ''}/${t.location}`,
        },
      };
    }
    return { resource: newest };
  },
  answer: z
    .looseObject({
      id: z.string().optional(),
      currentState: stateName('JOB_STATE_UNKNOWN'),
      currentStateTime: z.string().optional(),
      type: z.string().optional(),
    })
    .transform((j) => ({
      state: j.currentState,
      detail: said(`job ${j.id ?? '?'}`, j.type, j.currentStateTime && `since ${j.currentStateTime}`),
    })),
  async more(t, observed, job, { get }) {
    if (t.allowedStates.includes(observed.state) || typeof job['id'] !== 'string') return observed;
    // The messages only add to the detail: when they cannot be read, the job's own state stands.
    const read = jobMessages.safeParse(
      await get(
        'dataflow',
        `${jobsPath(t)}/${encodeURIComponent(job['id'])}/messages?minimumImportance=JOB_MESSAGE_ERROR&pageSize=5`,
      ).catch(() => null),
    );
    const errors = read.success ? read.data.jobMessages.map((m) => m.messageText) : [];
    return { ...observed, detail: said(observed.detail, ...errors) };
  },
  states: STATES,
  list: {
    key: 'job',
    // Every job there is, running or not, each name once: a job that stops stays listed, as what
    // it became (JOB_STATE_FAILED), rather than vanish as DELETED.
    path: (t) => `${jobsPath(t)}?filter=ALL`,
    items: 'jobs',
    select: newestByName,
  },
  // The job's own page needs its id, which changes with every launch: the project's jobs page.
  consoleUrl: (t) => consoleLink(t.project, 'dataflow/jobs'),
});
