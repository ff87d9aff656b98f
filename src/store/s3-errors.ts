/**
 * How AWS SDK failures become store errors, wrapped once with the action: `put latest/x.json to s3://b/p: …`,
 * scrubbed of the client's secrets first (`s3-scrub.ts`).
 */
import { S3ServiceException } from '@aws-sdk/client-s3';
import { AppError } from '../errors.js';
import { bareEtag } from './etag.js';
import { type Scrub, scrubS3Error } from './s3-scrub.js';

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound']);
const REFUSED = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'AllAccessDisabled',
]);
const TRANSIENT = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
]);
/** Node socket errors worth another attempt. */
const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
]);

export function s3Status(err: unknown): number | undefined {
  return err instanceof S3ServiceException ? err.$metadata?.httpStatusCode : undefined;
}

function errorName(err: unknown): string {
  if (err instanceof S3ServiceException) return err.name;
  if (err instanceof Error) return (err as NodeJS.ErrnoException).code ?? err.name;
  return '';
}

export function isS3NotFound(err: unknown): boolean {
  return NOT_FOUND.has(errorName(err)) || (s3Status(err) === 404 && errorName(err) !== 'NoSuchBucket');
}

/**
 * A conditional PUT the server refused: 412 PreconditionFailed (the key exists, or its ETag differs), or for
 * `If-Match` a 404 (the object is gone). 409 ConditionalRequestConflict (another conditional write to the key in
 * flight) is not a refusal: AWS asks to retry it, and `s3Error` marks it retryable.
 */
export function conditionRefused(
  err: unknown,
  condition: { IfNoneMatch?: string; IfMatch?: string },
): 'exists' | 'changed' | undefined {
  if (!condition.IfNoneMatch && !condition.IfMatch) return undefined;
  const ifMatch = condition.IfMatch !== undefined;
  const status = s3Status(err);
  if (status === 412 || errorName(err) === 'PreconditionFailed') return ifMatch ? 'changed' : 'exists';
  if (ifMatch && isS3NotFound(err)) return 'changed';
  return undefined;
}

/** S3 wants the ETag of `If-Match` quoted, as it answers it; callers may hold it bare or weak. */
export function quotedEtag(etag: string): string {
  return `"${bareEtag(etag)}"`;
}

/** The fact, for an error that is not "not found": what the server said, in words an operator can act on. */
export function s3Error(action: string, bucket: string, err: unknown, scrub: Scrub = (t) => t): AppError {
  if (err instanceof AppError) return err;
  const name = errorName(err);
  const status = s3Status(err);
  const detail = scrub(
    err instanceof Error && err.message && err.message !== name ? `${name}: ${err.message}` : name,
  );
  const unavailable = (fact: string, retryable: boolean) =>
    new AppError('STORE_UNAVAILABLE', `${action}: ${fact}`, { cause: scrubS3Error(err, scrub), retryable });

  if (name === 'NoSuchBucket') return unavailable(`bucket "${bucket}" does not exist`, false);
  if (REFUSED.has(name) || status === 403) {
    return unavailable(`credentials were refused or lack permission (HTTP 403 ${detail})`, false);
  }
  if (name === 'CredentialsProviderError') {
    return unavailable(`no AWS credentials found in the default credential chain (${detail})`, false);
  }
  if (status === 301 || name === 'PermanentRedirect' || name === 'AuthorizationHeaderMalformed') {
    return unavailable(`bucket "${bucket}" is in another region: set AWS_REGION (${detail})`, false);
  }
  if (status !== undefined && (status >= 500 || status === 429)) {
    return unavailable(`server returned HTTP ${status} (${detail})`, true);
  }
  if (TRANSIENT.has(name) || NETWORK.has(name) || name === 'ConditionalRequestConflict')
    return unavailable(detail, true);
  if (status !== undefined) return unavailable(`server returned HTTP ${status} (${detail})`, false);
  // no HTTP answer at all: a socket error (`AggregateError` of ECONNREFUSED on dual-stack hosts) may heal
  return unavailable(detail || scrub(String(err)), true);
}
