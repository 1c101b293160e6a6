/** The body went past the cap: the endpoint is misbehaving, so stop reading. */
export class BodyTooLargeError extends Error {
  override readonly name = 'BodyTooLargeError';
  readonly limit: number;

  constructor(limit: number) {
    super(`response body larger than ${limit} bytes`);
    this.limit = limit;
  }
}

/** Reads a fetch body as UTF-8 text, but never more than `limit` bytes of it. */
export async function readBodyCapped(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const declared = Number(response.headers.get('content-length'));
  if (declared > limit) {
    await response.body.cancel();
    throw new BodyTooLargeError(limit);
  }
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  // Leaving a for-await over a web stream early cancels it, which closes the connection.
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > limit) throw new BodyTooLargeError(limit);
    text += decoder.decode(chunk, { stream: true });
  }
  return text + decoder.decode();
}
