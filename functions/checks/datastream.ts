import type { TargetOf } from '../config/schema.ts';
import type { Observation } from '../model.ts';
import type { Check } from './check.ts';
import { describeNetworkError, excerpt } from '../network-error.ts';

/** Only the fields we read of gaxios' error, so this file does not depend on gaxios' version. */
interface ApiError {
  status?: number;
  response?: { status?: number; data?: unknown };
}

const NO_CREDENTIALS = /Could not load the default credentials|Could not refresh access token|invalid_grant/i;

/** The stream's full resource name: `projects/P/locations/L/streams/S`. */
export function streamName(target: TargetOf<'datastream'>): string {
  return target.stream.startsWith('projects/')
    ? target.stream
    : `projects/${target.project ?? ''}/locations/${target.location ?? ''}/streams/${target.stream}`;
}

/** The stream's page in the Cloud console, for alerts. */
export function streamConsoleUrl(target: TargetOf<'datastream'>): string {
  const [, project = '', , location = '', , stream = ''] = streamName(target).split('/');
  const path = ['datastream', 'streams', 'locations', location, 'instances', stream]
    .map(encodeURIComponent)
    .join('/');
  return `https://console.cloud.google.com/${path}?project=${encodeURIComponent(project)}`;
}

/**
 * Reads a Datastream stream (`projects.locations.streams.get`): its `state` is the observed state,
 * its `errors[]` the detail. API and network failures become states too, never exceptions.
 */
export const datastream: Check<'datastream'> = async (target, { signal, datastream: client }) => {
  const name = streamName(target);
  try {
    const { data } = await client().projects.locations.streams.get(
      { name },
      // Our own timeout and the next poll are the retry policy; gaxios' backoff would outlive both.
      { signal, retry: false, timeout: target.timeout },
    );
    const errors = (data.errors ?? []).map((e) => [e.reason, e.message].filter(Boolean).join(': '));
    return {
      state: data.state ?? 'STATE_UNSPECIFIED',
      detail: errors.length > 0 ? `stream errors: ${errors.join('; ')}` : `stream ${name}`,
    };
  } catch (error) {
    return classify(error, name, signal, target.timeout);
  }
};

function classify(error: unknown, name: string, signal: AbortSignal, timeoutMs: number): Observation {
  const status = (error as ApiError).response?.status ?? (error as ApiError).status;
  if (typeof status === 'number') {
    const reason = apiMessage((error as ApiError).response?.data) ?? (error as Error).message;
    if (status === 404)
      return { state: 'NOT_FOUND', detail: `stream ${name} not found (deleted or misspelt): ${reason}` };
    if (status === 403) {
      return {
        state: 'PERMISSION_DENIED',
        detail: `no permission to read ${name} (grant roles/datastream.viewer to the poller's service account): ${reason}`,
      };
    }
    return { state: 'API_ERROR', detail: `Datastream API answered HTTP ${status} for ${name}: ${reason}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  if (NO_CREDENTIALS.test(message)) {
    return {
      state: 'UNREACHABLE',
      detail:
        'no Google credentials: locally run `gcloud auth application-default login` or set ' +
        'GOOGLE_APPLICATION_CREDENTIALS; on Cloud Run the function uses its service account',
    };
  }
  return {
    state: 'UNREACHABLE',
    detail: `Datastream API: ${describeNetworkError(error, timeoutMs, signal)}`,
  };
}

/** Google APIs answer `{"error": {"code": 404, "message": "…", "status": "NOT_FOUND"}}`. */
function apiMessage(data: unknown): string | undefined {
  if (typeof data === 'string') return data ? excerpt(data) : undefined;
  const error = (data as { error?: { message?: unknown; status?: unknown } } | undefined)?.error;
  if (typeof error?.message !== 'string') return undefined;
  return typeof error.status === 'string' ? `${error.status}: ${error.message}` : error.message;
}
