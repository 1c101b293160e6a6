import type { GoogleAuth } from 'google-auth-library';
import type { GoogleApis } from '../checks/kind.ts';

/**
 * The one rule for reaching Google APIs: `<SERVICE>_API_URL` (`DATASTREAM_API_URL`,
 * `SQLADMIN_API_URL`, …) replaces `https://<service>.googleapis.com` and gets no credentials, so
 * none can leak to a local fake and none are needed to run tests; otherwise Application Default
 * Credentials, one `GoogleAuth` shared by every service (it caches the token).
 */
export function googleApis(env: NodeJS.ProcessEnv): GoogleApis {
  let auth: Promise<GoogleAuth> | undefined;
  // Loaded on first use: a deployment that reads no Google API never pays its ~130 ms import.
  const googleAuth = () =>
    (auth ??= import('google-auth-library').then(
      ({ GoogleAuth }) => new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] }),
    ));
  return {
    async get(service, path, { signal, timeout }) {
      const rootUrl = apiUrl(env, service);
      if (rootUrl) return getWithoutCredentials(`${rootUrl.replace(/\/+$/, '')}/${path}`, signal);
      // Our own timeout and the next poll are the retry policy; gaxios' backoff would outlive both.
      const { data } = await (
        await googleAuth()
      ).request<unknown>({
        url: `https://${service}.googleapis.com/${path}`,
        signal,
        timeout,
        retry: false,
      });
      return data;
    },
  };
}

/** A local server stands in for Google: plain fetch, no credentials, errors shaped as gaxios'. */
async function getWithoutCredentials(url: string, signal: AbortSignal): Promise<unknown> {
  const response = await fetch(url, { signal });
  const text = await response.text();
  let data: unknown = text;
  try {
    data = JSON.parse(text);
  } catch {
    // Not JSON: the check says so, with the text.
  }
  if (!response.ok) {
    throw Object.assign(new Error(`HTTP ${response.status}`), {
      response: { status: response.status, data },
    });
  }
  return data;
}

/** `DATASTREAM_API_URL` for `datastream`; unset or blank: Google's own endpoint. */
export function apiUrl(env: NodeJS.ProcessEnv, service: string): string | undefined {
  const value = env[`${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_URL`]?.trim();
  return value ? value : undefined;
}
