import { formatDuration } from '../config/duration.ts';

const KNOWN_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'DNS lookup failed (no such host)',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
};

/**
 * Says, for people, why a request got no answer: a timeout, a refused connection, DNS, TLS…
 * Node's fetch hides the reason in `cause` (often two levels deep), so walk the chain.
 */
export function describeNetworkError(error: unknown, timeoutMs: number, signal?: AbortSignal): string {
  const chain: unknown[] = [];
  for (let e: unknown = error; e instanceof Error && chain.length < 5; e = e.cause) chain.push(e);
  if (signal?.aborted || chain.some((e) => (e as Error).name === 'TimeoutError')) {
    return `timed out after ${formatDuration(timeoutMs)}`;
  }
  for (const e of chain) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code in KNOWN_CODES) {
      return `${KNOWN_CODES[code] ?? code} (${code})`;
    }
    if (typeof code === 'string' && /CERT|SSL|TLS|SELF_SIGNED/.test(code)) {
      return `TLS error: ${(e as Error).message} (${code})`;
    }
  }
  const deepest = chain.at(-1);
  return deepest instanceof Error ? deepest.message : String(error);
}

/** The first few hundred characters of a body, on one line, for a detail. */
export function excerpt(body: string, max = 300): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
