/**
 * One error type for the whole program. Every code is documented in the README ("Error codes").
 * Wrap once, at the I/O boundary, with the action and the fact: `list kafka clusters in env-1: server returned HTTP 429`.
 */
export type ErrorCode =
  // configuration and arguments (exit 2)
  | 'CONFIG_INVALID'
  | 'USAGE'
  // Confluent Cloud API
  | 'API_AUTH' // 401/403: wrong key type or missing permission, never retried
  | 'API_UNAVAILABLE' // 429/5xx/timeouts/network errors that outlasted the retries
  | 'API_REQUEST' // another 4xx the API answered (bad request, not found)
  | 'API_BAD_RESPONSE' // a body that does not match the expected shape
  // object store
  | 'STORE_UNAVAILABLE'
  | 'STORE_NOT_FOUND'
  | 'STORE_WRITE'
  | 'STORE_CONFLICT' // a conditional write refused: the key exists (create) or changed since it was read (replace)
  // publishing
  | 'RENDER_INVALID'
  | 'MANIFEST_INVALID'
  | 'GUARD_EMPTY' // exit 3
  | 'GUARD_SHRINK' // exit 3
  | 'ABORTED'
  // auditors' tools (exit 2)
  | 'SNAPSHOT_NOT_FOUND'
  | 'SCHEMA_UNSUPPORTED';

export interface AppErrorOptions {
  cause?: unknown;
  retryable?: boolean;
}

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

export function isAppError(err: unknown, code?: ErrorCode): err is AppError {
  return err instanceof AppError && (code === undefined || err.code === code);
}

/** Exit codes of DESIGN §6: 0 published or unchanged, 1 failed, 2 bad config, 3 refused by a guard. */
export const EXIT = { ok: 0, failed: 1, config: 2, guard: 3 } as const;

export function exitCodeFor(err: unknown): number {
  if (!isAppError(err)) return EXIT.failed;
  switch (err.code) {
    case 'CONFIG_INVALID':
    case 'USAGE':
    case 'SNAPSHOT_NOT_FOUND':
    case 'SCHEMA_UNSUPPORTED':
      return EXIT.config;
    case 'GUARD_EMPTY':
    case 'GUARD_SHRINK':
      return EXIT.guard;
    default:
      return EXIT.failed;
  }
}

/** The message of an error and its causes, one line, for logs and status.json. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const msg = e instanceof Error ? e.message : String(e);
    if (msg && !parts.some((p) => p.includes(msg))) parts.push(msg);
    e = e instanceof Error ? e.cause : undefined;
  }
  return parts.join(': ');
}
