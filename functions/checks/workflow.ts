import { z } from 'zod';
import { consoleLink, googleResourceKind, restPath, said, stateName } from './google-resource.ts';

/** Workflow Executions v1 `Execution.State` (google/cloud/workflows/executions/v1/executions.proto). */
const STATES = [
  'STATE_UNSPECIFIED',
  'ACTIVE',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
  'UNAVAILABLE',
  'QUEUED',
] as const;

const workflowPath = (t: { project?: string | undefined; location: string; workflow: string }) =>
  restPath('v1', 'projects', t.project, 'locations', t.location, 'workflows', t.workflow);

/**
 * A workflow, by the state of its newest execution (executions are listed newest first;
 * `view=FULL` carries the error). A workflow that never ran is NO_EXECUTIONS.
 */
export const workflow = googleResourceKind<'workflow'>({
  service: 'workflowexecutions',
  api: 'Workflow Executions API',
  viewerRole: 'roles/workflows.viewer',
  // Read through workflowexecutions, listed through workflows: Terraform enables both.
  watchedAs: 'workflows',
  describe: (t) => `workflow ${t.project ?? ''}/${t.location}/${t.workflow}`,
  path: (t) => `${workflowPath(t)}/executions?pageSize=1&view=FULL`,
  async read(t, get) {
    const page = (await get(`${workflowPath(t)}/executions?pageSize=1&view=FULL`)) as {
      executions?: unknown[];
    } | null;
    const newest = Array.isArray(page?.executions) ? page.executions[0] : undefined;
    if (newest === undefined && page !== null && typeof page === 'object') {
      return { observation: { state: 'NO_EXECUTIONS', detail: `workflow ${t.workflow} has not run yet` } };
    }
    return { resource: newest ?? page };
  },
  answer: z
    .looseObject({
      name: z.string().optional(),
      state: stateName('STATE_UNSPECIFIED'),
      startTime: z.string().optional(),
      endTime: z.string().optional(),
      error: z.looseObject({ payload: z.string().optional(), context: z.string().optional() }).optional(),
      stateError: z.looseObject({ details: z.string().optional() }).optional(),
    })
    .transform((e) => ({
      state: e.state,
      detail: said(
        `execution ${e.name?.split('/').at(-1) ?? '?'} started ${e.startTime ?? '?'}${e.endTime ? `, ended ${e.endTime}` : ''}`,
        e.error?.payload,
        e.error?.context,
        e.stateError?.details,
      ),
    })),
  states: [...STATES, 'NO_EXECUTIONS'],
  consoleUrl: (t) => consoleLink(t.project, 'workflows/workflow', t.location, t.workflow, 'executions'),
  list: {
    key: 'workflow',
    service: 'workflows',
    path: (t) => restPath('v1', 'projects', t.project, 'locations', t.location, 'workflows'),
    items: 'workflows',
    // A listed workflow is not its newest execution: each is read on its own.
    complete: false,
  },
});
