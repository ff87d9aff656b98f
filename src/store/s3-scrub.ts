/**
 * The SDK's own messages carry no secret, but the server's `<Message>` is copied into them: a gateway or an
 * S3-compatible server that echoes the request can put the secret key or the session token there (issue 16.2's
 * leak scan, `test/reliability/secret-leaks.test.ts`). Every S3 error is scrubbed of the client's secrets before
 * it becomes a message or a cause.
 */

/** Replaces every form of the given secrets (raw, URL-encoded, base64) in a text. */
export type Scrub = (text: string) => string;

export function createScrub(secrets: readonly (string | undefined)[]): Scrub {
  const forms = secrets
    .filter((v): v is string => v !== undefined && v !== '')
    .flatMap((v) => [v, encodeURIComponent(v), Buffer.from(v, 'utf8').toString('base64')])
    .sort((a, b) => b.length - a.length);
  return (text) => forms.reduce((out, form) => out.replaceAll(form, '[redacted]'), text);
}

/**
 * A scrubbed copy of an SDK error to keep as a cause (its message and stack reach logs and status.json): name,
 * message and stack without the secrets, and none of the SDK's fields (the raw response holds echoed headers).
 * Classify the original (`s3Status`, `isS3NotFound`), keep the copy.
 */
export function scrubS3Error(err: unknown, scrub: Scrub): unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? scrub(err) : err;
  const copy = new Error(
    scrub(err.message),
    err.cause === undefined ? undefined : { cause: scrubS3Error(err.cause, scrub) },
  );
  copy.name = err.name;
  copy.stack = err.stack === undefined ? undefined : scrub(err.stack);
  return copy;
}
