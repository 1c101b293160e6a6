import { GoogleAuth } from 'google-auth-library';
import type { GoogleApis, GoogleClientOptions } from '../checks/kind.ts';

/**
 * The one rule for reaching Google APIs: `<SERVICE>_API_URL` (`DATASTREAM_API_URL`,
 * `SQLADMIN_API_URL`, …) replaces `https://<service>.googleapis.com` and gets no credentials, so
 * none can leak to a local fake and none are needed to run tests; otherwise Application Default
 * Credentials, one `GoogleAuth` shared by every service (it caches the token).
 */
export function googleApis(env: NodeJS.ProcessEnv): GoogleApis {
  let auth: GoogleAuth | undefined;
  const clients = new Map<string, unknown>();
  return {
    client<T>(service: string, make: (options: GoogleClientOptions) => T): T {
      if (clients.has(service)) return clients.get(service) as T;
      const rootUrl = apiUrl(env, service);
      const client = make(
        rootUrl
          ? { rootUrl }
          : {
              auth: (auth ??= new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] })),
            },
      );
      clients.set(service, client);
      return client;
    },
  };
}

/** `DATASTREAM_API_URL` for `datastream`; unset or blank: Google's own endpoint. */
export function apiUrl(env: NodeJS.ProcessEnv, service: string): string | undefined {
  const value = env[`${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_URL`]?.trim();
  return value ? value : undefined;
}
