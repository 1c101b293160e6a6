import type { z } from 'zod';
import type { Observation } from '../model/observation.ts';
import { describeNetworkError, excerpt } from '../net/network-error.ts';

/** The states every Google kind can report besides the resource's own. */
export const GOOGLE_FAILURE_STATES = [
  'NOT_FOUND',
  'PERMISSION_DENIED',
  'API_ERROR',
  'UNREACHABLE',
  'INVALID_RESPONSE',
] as const;

/** Only the fields we read of gaxios' error, so this file does not depend on gaxios' version. */
interface ApiError {
  status?: number;
  response?: { status?: number; data?: unknown };
}

const NO_CREDENTIALS = /Could not load the default credentials|Could not refresh access token|invalid_grant/i;

/** What a Google resource check says about the resource it asked for, for error details. */
export interface GoogleResource {
  /** `stream projects/p/locations/l/streams/s` */
  name: string;
  /** The API, for people: `Datastream API`. */
  api: string;
  /** The role that lets the poller read it: `roles/datastream.viewer`. */
  viewerRole: string;
}

/**
 * A Google API call that failed, as a state: `NOT_FOUND` (404), `PERMISSION_DENIED` (403, naming
 * the role to grant), `API_ERROR` (any other HTTP error), `UNREACHABLE` (network, timeout, no
 * credentials: the detail says which). Every Google kind shares these.
 */
export function googleApiFailure(
  error: unknown,
  resource: GoogleResource,
  signal: AbortSignal,
  timeoutMs: number,
): Observation {
  const status = (error as ApiError).response?.status ?? (error as ApiError).status;
  if (typeof status === 'number') {
    const reason = apiMessage((error as ApiError).response?.data) ?? (error as Error).message;
    if (status === 404) {
      return { state: 'NOT_FOUND', detail: `${resource.name} not found (deleted or misspelt): ${reason}` };
    }
    if (status === 403) {
      return {
        state: 'PERMISSION_DENIED',
        detail: `no permission to read ${resource.name} (grant ${resource.viewerRole} to the poller's service account): ${reason}`,
      };
    }
    return {
      state: 'API_ERROR',
      detail: `${resource.api} answered HTTP ${status} for ${resource.name}: ${reason}`,
    };
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
    detail: `${resource.api}: ${describeNetworkError(error, timeoutMs, signal)}`,
  };
}

/**
 * A 200 from a Google API, checked against the shape the kind reads: a body that is not JSON (an
 * HTML page from a proxy, say) or JSON of another shape is `INVALID_RESPONSE` saying which, never
 * a made-up state.
 */
export function googleAnswer<T>(
  data: unknown,
  shape: z.ZodType<T>,
  resource: GoogleResource,
): { answer: T } | { observation: Observation } {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    const text = typeof data === 'string' ? excerpt(data) : JSON.stringify(data);
    return {
      observation: {
        state: 'INVALID_RESPONSE',
        detail: `${resource.api} answered 200 for ${resource.name} with something that is not a JSON object: ${text || '(empty body)'}`,
      },
    };
  }
  const parsed = shape.safeParse(data);
  if (parsed.success) return { answer: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : '(the answer)';
  return {
    observation: {
      state: 'INVALID_RESPONSE',
      detail: `${resource.api} answered 200 for ${resource.name}, but ${where}: ${issue?.message ?? 'unexpected shape'}: ${excerpt(JSON.stringify(data))}`,
    },
  };
}

/** Google APIs answer `{"error": {"code": 404, "message": "…", "status": "NOT_FOUND"}}`. */
function apiMessage(data: unknown): string | undefined {
  if (typeof data === 'string') return data ? excerpt(data) : undefined;
  const error = (data as { error?: { message?: unknown; status?: unknown } } | undefined)?.error;
  if (typeof error?.message !== 'string') return undefined;
  return typeof error.status === 'string' ? `${error.status}: ${error.message}` : error.message;
}
