/**
 * The server's HTTP errors, registered in one place (like fastify's `FST_ERR_*`) and documented in docs/serve.md.
 * Every error response has the body `{"error":"<code>","message":"…","code":<status>}`.
 */
import type { Socket } from 'node:net';
import type { FastifyReply } from 'fastify';

export const HTTP_ERRORS = {
  invalid_targets: 400, // `targets` missing, empty, repeated or holding an invalid target
  invalid_prefix: 400, // `prefix` repeated or not a valid label prefix
  invalid_selection: 400, // /discovery: an unknown parameter, or a repeated or bad env, associated_kafka_id, resource_type
  bad_request: 400, // a malformed URL or query string
  bad_path: 400, // a bucket path with traversal, encoded slashes, NUL bytes or characters no key has
  unauthorized: 401, // no bearer token, or none of the valid ones
  not_found: 404, // no such route, document, combination or object
  method_not_allowed: 405, // anything but GET and HEAD
  range_not_satisfiable: 416, // a Range past the end of a bucket object
  rate_limited: 429, // more requests per minute from one IP than SD_RATE_LIMIT
  internal: 500, // a bug; logged with its stack
  store_unavailable: 503, // the store could not be read for an auditor request
  not_ready: 503, // no manifest loaded yet
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERRORS;

export interface ErrorBody {
  error: HttpErrorCode;
  message: string;
  code: number;
  [extra: string]: unknown;
}

/** Thrown from handlers and hooks; the app's error handler turns it into the JSON error body. */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  readonly statusCode: number;

  constructor(
    readonly error: HttpErrorCode,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = HTTP_ERRORS[error];
    this.statusCode = this.status;
  }
}

export function errorBody(
  error: HttpErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
): ErrorBody {
  return { error, message, code: HTTP_ERRORS[error], ...extra };
}

export function sendError(
  reply: FastifyReply,
  error: HttpErrorCode,
  message: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  return reply
    .code(HTTP_ERRORS[error])
    .header('cache-control', 'no-store')
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(errorBody(error, message, extra)));
}

/** Maps fastify's own errors (bad URLs, parsers, limits) to ours; bad input is never a 5xx. */
export function httpErrorFromFastify(err: { statusCode?: number; code?: string; message: string }): {
  error: HttpErrorCode;
  message: string;
} {
  const status = err.statusCode ?? 500;
  if (status === 429) return { error: 'rate_limited', message: err.message };
  if (status === 404) return { error: 'not_found', message: 'no such route' };
  if (status === 405) return { error: 'method_not_allowed', message: err.message };
  if (status === 416) return { error: 'range_not_satisfiable', message: err.message };
  if (status >= 400 && status < 500) return { error: 'bad_request', message: err.message };
  return { error: 'internal', message: 'internal server error' };
}

/** Requests Node's HTTP parser rejects (headers over 16 KiB, broken request lines) get our error body too. */
export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify({
    error: 'bad_request',
    message: tooLarge ? 'request headers are too large' : 'malformed HTTP request',
    code: status,
  });
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `connection: close\r\n\r\n${body}`,
  );
}
