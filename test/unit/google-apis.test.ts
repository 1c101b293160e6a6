import { describe, expect, it } from 'vitest';
import { apiUrl } from '../../functions/runtime/google-apis.ts';

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
});
