/**
 * How the answers of Confluent Cloud become errors: the facts of one failed attempt, the server's own
 * explanation from its error body, and the messages of the AppErrors the client throws.
 */
import { z } from 'zod';
import { AppError, isAppError } from '../errors.js';
import { keepText, type Redact } from './redact.js';

/** The cause of an `API_REQUEST` or `API_AUTH` AppError: the HTTP status the server answered. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type AttemptFailureKind = 'status' | 'timeout' | 'network' | 'body';

/** One failed attempt that is worth retrying; `fact` reads like `server returned HTTP 503`. */
export class AttemptFailure extends Error {
  override readonly name = 'AttemptFailure';
  constructor(
    readonly kind: AttemptFailureKind,
    readonly fact: string,
    readonly status?: number,
    /** A wait the server asked for (Retry-After, or X-RateLimit-Reset on 429). */
    readonly headerDelayMs?: number,
    options?: { cause?: unknown },
  ) {
    super(fact, options);
  }
}

/** The HTTP status behind an AppError thrown by the client, if the server answered one. */
export function httpStatusOf(err: unknown): number | undefined {
  return err instanceof AppError && err.cause instanceof HttpStatusError ? err.cause.status : undefined;
}

const MAX_DETAIL = 200;

const anything = z.unknown().optional();
/** The management and Metrics APIs' error body: `{"errors":[{code,title,detail}]}`. */
const errorsBodyShape = z.looseObject({ errors: z.array(z.unknown()).min(1) });
const errorItemShape = z.looseObject({ code: anything, title: anything, detail: anything });
/** The Connect API's error bodies: `{"error":{code,message}}` and `{"error_code":404,"message":"…"}` (reference §12). */
const nestedErrorBodyShape = z.looseObject({ error: z.looseObject({ message: z.string() }) });
const flatErrorBodyShape = z.looseObject({ message: z.string() });
/** A proxy's or gateway's `{"error":"…"}`. */
const errorStringBodyShape = z.looseObject({ error: z.string() });
/** What fetch throws on a network error: a TypeError whose cause names the system error (`ECONNREFUSED`). */
const networkErrorShape = z.looseObject({ cause: z.looseObject({ code: z.string() }) });

function errorBodyText(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  const errors = errorsBodyShape.safeParse(body);
  if (errors.success) {
    const first = errorItemShape.safeParse(errors.data.errors[0]);
    if (!first.success) return undefined;
    const { code, detail, title } = first.data;
    return [code, detail ?? title].filter((part) => typeof part === 'string' && part !== '').join(': ');
  }
  return (
    nestedErrorBodyShape.safeParse(body).data?.error.message ??
    flatErrorBodyShape.safeParse(body).data?.message ??
    errorStringBodyShape.safeParse(body).data?.error
  );
}

/** Text from a response as one bounded line, the credentials removed before the cut (so no part survives it). */
export function boundText(text: string, redact: Redact = keepText): string {
  const line = redact(text).replace(/\s+/g, ' ').trim();
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL)}…` : line;
}

/**
 * The server's explanation, from `{"errors":[{code,title,detail}]}` (management and Metrics APIs),
 * `{"error":{code,message}}` or `{"error_code":…,"message":…}` (Connect), or the start of a text body. One line,
 * bounded, redacted.
 */
export function describeErrorBody(body: unknown, redact: Redact = keepText): string | undefined {
  const text = errorBodyText(body);
  const line = text === undefined ? '' : boundText(text, redact);
  return line === '' ? undefined : line;
}

/** `server returned HTTP 404 (account not found)`. */
export function statusFact(status: number, body: unknown, redact: Redact = keepText): string {
  const detail = describeErrorBody(body, redact);
  return `server returned HTTP ${status}${detail ? ` (${detail})` : ''}`;
}

export interface CallDescription {
  /** What failed, e.g. `list kafka clusters in env-1`. */
  action: string;
  /** e.g. `GET /cmk/v2/clusters`. */
  endpoint: string;
  /** What the key's principal needs, e.g. `the MetricsViewer role`. */
  permission: string;
}

export const CLOUD_KEY_HINT = 'a Cloud API key (confluent api-key create --resource cloud)';

/** 401/403: never retried; the message says which key type and permission the endpoint needs. */
export function authError(
  call: CallDescription,
  status: number,
  body: unknown,
  redact: Redact = keepText,
): AppError {
  const problem =
    status === 401 ? 'the API key was not accepted' : "the API key's principal lacks permission";
  const fact = statusFact(status, body, redact);
  return new AppError(
    'API_AUTH',
    `${call.action}: ${fact} for ${call.endpoint}: ${problem}; ` +
      `this needs ${CLOUD_KEY_HINT} whose principal has ${call.permission}`,
    { cause: new HttpStatusError(status, fact) },
  );
}

/** Another 4xx: the request itself is wrong (or, for 400 with a page_token, the token expired). */
export function requestError(
  call: CallDescription,
  status: number,
  body: unknown,
  redact: Redact = keepText,
): AppError {
  const fact = statusFact(status, body, redact);
  return new AppError('API_REQUEST', `${call.action}: ${fact} for ${call.endpoint}`, {
    cause: new HttpStatusError(status, fact),
  });
}

export function badResponseError(call: CallDescription, problem: string, cause?: unknown): AppError {
  return new AppError(
    'API_BAD_RESPONSE',
    `${call.action}: ${call.endpoint} returned an unexpected body: ${problem}`,
    {
      cause,
    },
  );
}

export function unavailableError(call: CallDescription, failure: AttemptFailure, attempts: number): AppError {
  return new AppError(
    'API_UNAVAILABLE',
    `${call.action}: ${failure.fact} after ${attempts} attempt${attempts === 1 ? '' : 's'}`,
    { cause: failure, retryable: true },
  );
}

export function abortedError(call: CallDescription, cause: unknown): AppError {
  return new AppError('ABORTED', `${call.action}: aborted`, { cause });
}

/** What a call throws once it gives up: always an AppError. */
export function finalError(
  call: CallDescription,
  err: unknown,
  attempts: number,
  aborted: boolean,
): AppError {
  if (isAppError(err)) return err;
  if (aborted) return abortedError(call, err);
  if (err instanceof AttemptFailure) return unavailableError(call, err, attempts);
  const message = `${call.action}: ${err instanceof Error ? err.message : String(err)}`;
  return new AppError('API_UNAVAILABLE', message, { cause: err, retryable: true });
}

/** Classifies what fetch or body parsing threw (the caller already ruled out its own abort signal). */
export function thrownToFailure(err: unknown, timeoutMs: number): AttemptFailure {
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError') {
    return new AttemptFailure('timeout', `no answer within ${timeoutMs} ms`, undefined, undefined, {
      cause: err,
    });
  }
  if (err instanceof SyntaxError) {
    return new AttemptFailure('body', 'response body is not valid JSON', undefined, undefined, {
      cause: err,
    });
  }
  const code = networkErrorShape.safeParse(err).data?.cause.code;
  const fact = `network error: ${code ?? (err instanceof Error ? err.message : String(err))}`;
  return new AttemptFailure('network', fact, undefined, undefined, { cause: err });
}
