import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatastreamFake } from '../support/datastream-fake.ts';
import { freshProject, Poller } from '../support/poller.ts';

const name = (stream: string) => `projects/acme-data/locations/asia-northeast1/streams/${stream}`;

describe('the datastream check, through the real googleapis client against a local Datastream API', () => {
  let datastream: DatastreamFake;
  let poller: Poller;

  beforeAll(async () => {
    datastream = await DatastreamFake.start();
    datastream.streams.set(name('running'), { state: 'RUNNING' });
    datastream.streams.set(name('failed'), {
      state: 'FAILED',
      errors: [
        { reason: 'BIGQUERY_DYNAMIC_DATASET_LOCATION_CONFLICT', message: 'dataset location conflict' },
        { message: 'source unreachable' },
      ],
    });
    datastream.streams.set(name('forbidden'), {
      httpStatus: 403,
      status: 'PERMISSION_DENIED',
      message: "Permission 'datastream.streams.get' denied",
    });
    datastream.streams.set(name('broken-api'), {
      httpStatus: 500,
      status: 'INTERNAL',
      message: 'internal error',
    });
    datastream.streams.set(name('hanging'), { hang: true });
    const streams = ['running', 'failed', 'deleted', 'forbidden', 'broken-api', 'hanging'];
    poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: freshProject(), DATASTREAM_API_URL: datastream.url },
      `
defaults: { timeout: 700ms }
targets:
${streams.map((s) => `  - { name: ${s}, kind: datastream, project: acme-data, location: asia-northeast1, stream: ${s} }`).join('\n')}
  - { name: by-full-name, kind: datastream, stream: "${name('running')}" }
`,
    );
  });

  afterAll(async () => {
    await poller.close();
    await datastream.close();
  });

  it('maps every answer to a state, with the evidence in detail', async () => {
    const { status, report } = await poller.poll('?dryRun=true');

    expect(status).toBe(200);
    expect(Object.fromEntries(report.targets.map((t) => [t.name, [t.state, t.detail]]))).toEqual({
      running: ['RUNNING', `stream ${name('running')}`],
      failed: [
        'FAILED',
        'stream errors: BIGQUERY_DYNAMIC_DATASET_LOCATION_CONFLICT: dataset location conflict; source unreachable',
      ],
      deleted: [
        'NOT_FOUND',
        `stream ${name('deleted')} not found (deleted or misspelt): NOT_FOUND: Resource '${name('deleted')}' was not found`,
      ],
      forbidden: [
        'PERMISSION_DENIED',
        `no permission to read stream ${name('forbidden')} (grant roles/datastream.viewer to the poller's service account): PERMISSION_DENIED: Permission 'datastream.streams.get' denied`,
      ],
      'broken-api': [
        'API_ERROR',
        `Datastream API answered HTTP 500 for stream ${name('broken-api')}: INTERNAL: internal error`,
      ],
      hanging: ['UNREACHABLE', 'timed out after 700ms'],
      'by-full-name': ['RUNNING', `stream ${name('running')}`],
    });
    expect(report.targets.map((t) => t.healthy)).toEqual([true, false, false, false, false, false, true]);
  });

  it('sends no Google credentials to DATASTREAM_API_URL', async () => {
    const before = datastream.requests.length;
    await poller.poll('?dryRun=true&target=running');
    expect(datastream.requests.length).toBe(before + 1);
    expect(datastream.requests.every((r) => r.authorization === undefined)).toBe(true);
  });
});
