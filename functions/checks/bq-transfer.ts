import { z } from 'zod';
import { consoleLink, googleResourceKind, restPath, said, stateName } from './google-resource.ts';

/** BigQuery Data Transfer v1 `TransferState` (google/cloud/bigquery/datatransfer/v1/transfer.proto). */
const STATES = [
  'TRANSFER_STATE_UNSPECIFIED',
  'PENDING',
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'CANCELLED',
] as const;

const configPath = (t: { project?: string | undefined; location: string; config: string }) =>
  restPath('v1', 'projects', t.project, 'locations', t.location, 'transferConfigs', t.config);

/** A failed run's error, from the runs list (its order is not documented: the newest is picked). */
const failedRuns = z.looseObject({
  transferRuns: z
    .array(
      z.looseObject({
        runTime: z.string().optional(),
        startTime: z.string().optional(),
        errorStatus: z.looseObject({ message: z.string().optional() }).optional(),
      }),
    )
    .default([]),
});

/**
 * A scheduled transfer (`transferConfigs.get`), by the state of its newest run: the config's
 * `state` is documented as "state of the most recently updated transfer run". A disabled config is
 * DISABLED (it will not run again). When the newest run failed, the failed runs are read for why.
 */
export const bqTransfer = googleResourceKind<'bq-transfer'>({
  service: 'bigquerydatatransfer',
  api: 'BigQuery Data Transfer API',
  viewerRole: 'roles/bigquery.user',
  describe: (t) => `transfer config ${t.project ?? ''}/${t.location}/${t.config}`,
  path: configPath,
  answer: z
    .looseObject({
      state: stateName('TRANSFER_STATE_UNSPECIFIED'),
      disabled: z.boolean().default(false),
      displayName: z.string().optional(),
      dataSourceId: z.string().optional(),
      nextRunTime: z.string().optional(),
      error: z.looseObject({ message: z.string().optional() }).optional(),
    })
    .transform((c) => ({
      state: c.disabled ? 'DISABLED' : c.state,
      detail: said(
        c.displayName && `${c.displayName} (${c.dataSourceId ?? 'transfer'})`,
        c.error?.message,
        c.nextRunTime && !c.disabled && `next run ${c.nextRunTime}`,
      ),
    })),
  async more(t, observed, _config, { get }) {
    if (observed.state !== 'FAILED') return observed;
    // The runs only add why: when they cannot be read, the config's own state stands.
    const runs = failedRuns.safeParse(
      await get('bigquerydatatransfer', `${configPath(t)}/runs?states=FAILED&pageSize=20`).catch(() => null),
    );
    if (!runs.success) return observed;
    const time = (r: { runTime?: string | undefined; startTime?: string | undefined }) =>
      Date.parse(r.runTime ?? r.startTime ?? '') || 0;
    const newest = [...runs.data.transferRuns].sort((a, b) => time(b) - time(a))[0];
    const why = newest?.errorStatus?.message;
    return why
      ? {
          ...observed,
          detail: said(`run of ${newest.runTime ?? newest.startTime ?? '?'} failed: ${why}`, observed.detail),
        }
      : observed;
  },
  states: [...STATES, 'DISABLED'],
  consoleUrl: (t) =>
    consoleLink(t.project, 'bigquery/transfers/locations', t.location, 'configs', t.config, 'runs'),
  list: {
    key: 'config',
    path: (t) => restPath('v1', 'projects', t.project, 'locations', t.location, 'transferConfigs'),
    items: 'transferConfigs',
  },
});
