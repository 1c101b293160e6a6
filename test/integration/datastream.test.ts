import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoogleFake } from '../support/google-fake.ts';
import { freshProject, Poller } from '../support/poller.ts';

const name = (stream: string) => `projects/acme-data/locations/asia-northeast1/streams/${stream}`;

describe('the datastream check, through Google’s REST API against the local Google fake', () => {
  let datastream: GoogleFake;
  let poller: Poller;

  beforeAll(async () => {
    datastream = await GoogleFake.start();
    datastream.put(name('running'), { state: 'RUNNING' });
    datastream.put(name('failed'), {
      state: 'FAILED',
      errors: [
        { reason: 'BIGQUERY_DYNAMIC_DATASET_LOCATION_CONFLICT', message: 'dataset location conflict' },
        { message: 'source unreachable' },
      ],
    });
    datastream.put(name('forbidden'), {
      httpStatus: 403,
      status: 'PERMISSION_DENIED',
      message: "Permission 'datastream.streams.get' denied",
    });
    datastream.put(name('broken-api'), {
      httpStatus: 500,
      status: 'INTERNAL',
      message: 'internal error',
    });
    datastream.put(name('hanging'), { hang: true });
    const streams = ['running', 'failed', 'deleted', 'forbidden', 'broken-api', 'hanging'];
    const more = ['odd'];
    poller = await Poller.start(
      { GOOGLE_CLOUD_PROJECT: freshProject(), DATASTREAM_API_URL: datastream.url },
      `
defaults: { timeout: 700ms }
targets:
${streams.map((s) => `  - { name: ${s}, kind: datastream, project: acme-data, location: asia-northeast1, stream: ${s} }`).join('\n')}
  - { name: by-full-name, kind: datastream, stream: "${name('running')}" }
${more.map((s) => `  - { name: ${s}, kind: datastream, project: acme-data, location: asia-northeast1, stream: ${s} }`).join('\n')}
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
    const seen = report.targets.filter((t) => t.name !== 'odd');
    expect(Object.fromEntries(seen.map((t) => [t.name, [t.state, t.detail]]))).toEqual({
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
    expect(seen.map((t) => t.healthy)).toEqual([true, false, false, false, false, false, true]);
  });

  it('sends no Google credentials to DATASTREAM_API_URL', async () => {
    const before = datastream.requests.length;
    await poller.poll('?dryRun=true&target=running');
    expect(datastream.requests.length).toBe(before + 1);
    expect(datastream.requests.every((r) => r.authorization === undefined)).toBe(true);
  });

  it.each([
    [
      'a state that is a number',
      '{"state": 42}',
      'application/json',
      'INVALID_RESPONSE',
      'state: Invalid input: expected string, received number',
    ],
    [
      'an HTML page',
      '<html><body>Sign in</body></html>',
      'text/html',
      'INVALID_RESPONSE',
      'that is not a JSON object: <html><body>Sign in</body></html>',
    ],
    [
      'a state that is prose',
      '{"state": "all good, really"}',
      'application/json',
      'INVALID_RESPONSE',
      'state: is not a state name',
    ],
  ])(
    'reads %s in a 200 as INVALID_RESPONSE of that stream alone',
    async (_, answer, contentType, state, detail) => {
      datastream.put(name('odd'), { answer, contentType });
      const { status, report } = await poller.poll('?dryRun=true&target=odd&target=running');
      expect(status).toBe(200);
      expect(report.targets.map((t) => [t.name, t.state])).toEqual([
        ['running', 'RUNNING'],
        ['odd', state],
      ]);
      expect(report.targets[1]?.detail).toContain(detail);
    },
  );
});
