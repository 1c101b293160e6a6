import { GoogleAuth } from 'google-auth-library';
import { describe, expect, it } from 'vitest';
import type { GoogleClientOptions } from '../../functions/checks/kind.ts';
import { apiUrl, googleApis } from '../../functions/runtime/google-apis.ts';

describe('the Google API client factory', () => {
  it.each([
    ['datastream', { DATASTREAM_API_URL: 'http://127.0.0.1:8090' }, 'http://127.0.0.1:8090'],
    ['sqladmin', { SQLADMIN_API_URL: ' http://127.0.0.1:8091 ' }, 'http://127.0.0.1:8091'],
    ['cloud-run', { CLOUD_RUN_API_URL: 'http://127.0.0.1:8092' }, 'http://127.0.0.1:8092'],
    ['datastream', { DATASTREAM_API_URL: '' }, undefined],
    ['datastream', {}, undefined],
  ])('reads the endpoint of %s from <SERVICE>_API_URL (%j)', (service, env, expected) => {
    expect(apiUrl(env, service)).toBe(expected);
  });

  it('points a client at <SERVICE>_API_URL with no credentials at all', () => {
    const made: GoogleClientOptions[] = [];
    const apis = googleApis({ SQLADMIN_API_URL: 'http://127.0.0.1:8091' });
    apis.client('sqladmin', (options) => made.push(options));
    expect(made).toEqual([{ rootUrl: 'http://127.0.0.1:8091' }]);
  });

  it('gives every Google endpoint one shared GoogleAuth, and makes each client once', () => {
    const made: GoogleClientOptions[] = [];
    const apis = googleApis({});
    const first = apis.client('datastream', (options) => made.push(options));
    const again = apis.client('datastream', (options) => made.push(options));
    apis.client('sqladmin', (options) => made.push(options));
    expect(again).toBe(first);
    expect(made).toHaveLength(2);
    const [a, b] = made.map((options) => ('auth' in options ? options.auth : null));
    expect(a).toBeInstanceOf(GoogleAuth);
    expect(b).toBe(a);
  });
});
