/**
 * A cap on the size of one response body, counted while it streams: a hostile or broken server sending 100 MB
 * otherwise grows the process by several times that (the text, then the parsed JSON) before anything checks it.
 */

/** Default cap: far above any real listing page (100 records) or connector map, far below the memory we have. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** Thrown by the body read when the answer passes the cap; the read is stopped and the connection dropped. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
  constructor(
    readonly limitBytes: number,
    /** The status of the answer whose body it was. */
    readonly status: number,
  ) {
    super(`response body is larger than ${limitBytes} bytes`);
  }
}

/** Statuses whose responses carry no body (a Response with one cannot be built). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

type Fetch = (input: Request, init?: RequestInit) => Promise<Response>;

/** Wraps fetch so that every body it returns errors with ResponseTooLargeError past `maxBytes`. */
export function withBodyLimit(fetchImpl: Fetch, maxBytes: number): Fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    if (!response.body || NULL_BODY_STATUSES.has(response.status)) return response;
    const declared = Number(response.headers.get('content-length') ?? Number.NaN);
    if (declared > maxBytes) {
      await response.body.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(maxBytes, response.status);
    }
    let seen = 0;
    const counted = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          // erroring the transform cancels the source, which closes the connection
          if (seen > maxBytes) controller.error(new ResponseTooLargeError(maxBytes, response.status));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(counted, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}
