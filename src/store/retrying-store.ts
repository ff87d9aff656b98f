/**
 * The one retry layer around store calls (the AWS SDK itself makes a single attempt). Retries errors marked
 * `retryable` (network failures, 5xx, throttling, transient disk errors) with exponential backoff; never
 * retries `STORE_NOT_FOUND`, refused credentials or a missing bucket. Logs one `warn` per failed attempt.
 */
import pRetry from 'p-retry';
import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Store } from './store.js';

export interface StoreRetryOptions {
  /** Retries after the first attempt (0 = one attempt). */
  retries: number;
  log: Logger;
  /** First backoff delay; doubles per retry (tests pass 1). */
  minTimeoutMs?: number;
}

const MAX_TIMEOUT_MS = 20_000;

export function isRetryableStoreError(err: unknown): boolean {
  return isAppError(err) && err.retryable && err.code !== 'STORE_NOT_FOUND';
}

export function withStoreRetry(store: Store, options: StoreRetryOptions): Store {
  const { retries, log } = options;
  const minTimeout = options.minTimeoutMs ?? 500;

  function retry<T>(op: string, key: string | undefined, fn: () => Promise<T>): Promise<T> {
    return pRetry(fn, {
      retries,
      minTimeout,
      maxTimeout: MAX_TIMEOUT_MS,
      factor: 2,
      randomize: minTimeout > 1,
      shouldRetry: ({ error }) => isRetryableStoreError(error),
      onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
        // "not found" is an answer, not a failure
        if (isAppError(error, 'STORE_NOT_FOUND')) return;
        const willRetry = isRetryableStoreError(error) && retriesLeft > 0;
        log.warn(
          { store: store.location, op, key, attempt: attemptNumber, willRetry, err: error },
          'store call failed',
        );
      },
    });
  }

  return {
    location: store.location,
    put: (key, body, contentType) => retry('put', key, () => store.put(key, body, contentType)),
    get: (key, getOptions) => retry('get', key, () => store.get(key, getOptions)),
    getStream: (key) => retry('getStream', key, () => store.getStream(key)),
    head: (key) => retry('head', key, () => store.head(key)),
    list: (prefix) => retry('list', prefix, () => store.list(prefix)),
    delete: (key) => retry('delete', key, () => store.delete(key)),
    check: (checkOptions) => retry('check', undefined, () => store.check(checkOptions)),
    close: () => store.close(),
  };
}
