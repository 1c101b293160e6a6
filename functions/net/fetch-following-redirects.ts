/** Redirects a GET may follow before we give up, as curl's `--max-redirs 5`. */
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** A redirect we will not follow: too many of them, or to a place fetch cannot go. */
export class RedirectError extends Error {
  override readonly name = 'RedirectError';
}

/** The final answer, and whether it came from an origin that was not sent the headers. */
export interface FollowedResponse {
  response: Response;
  /** True when the answer came from another origin than the first URL's (sent no headers). */
  leftOrigin: boolean;
}

/**
 * GETs `url`, following up to {@link MAX_REDIRECTS} redirects by hand, so that `headers` (an API
 * key, a token) go only to the URL's own origin: fetch's own following strips `Authorization` on
 * a cross-origin hop, but sends every other header on. A hop to another origin is followed without
 * them (a moved endpoint that needs none still answers; one that needs them answers 401, which
 * says enough), and a hop back to the own origin gets them again. Every hop runs under `signal`.
 */
export async function fetchFollowingRedirects(
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
): Promise<FollowedResponse> {
  const origin = new URL(url).origin;
  let current = new URL(url);
  for (let hop = 0; ; hop++) {
    const own = current.origin === origin;
    const response = await fetch(current, {
      headers: own ? init.headers : {},
      signal: init.signal,
      redirect: 'manual',
    });
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) {
      return { response, leftOrigin: !own };
    }
    // The redirect's own body is of no interest; cancelling it frees the connection now rather
    // than when the garbage collector gets to it (a body that never ends would hold it forever).
    await response.body?.cancel();
    if (hop === MAX_REDIRECTS) throw new RedirectError(`too many redirects (more than ${MAX_REDIRECTS})`);
    current = nextUrl(location, current);
  }
}

/** Where a `Location` leads, relative to the URL that answered it. */
function nextUrl(location: string, base: URL): URL {
  let next: URL;
  try {
    next = new URL(location, base);
  } catch {
    // The location itself is left out: it may be long, and is the endpoint's to explain.
    throw new RedirectError('redirected to an invalid URL');
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new RedirectError('redirected to a URL that is not http(s)');
  }
  return next;
}
