/**
 * The one retry layer around store calls (the AWS SDK itself makes a single attempt). Retries errors marked
 * `retryable` (network failures, 5xx, throttling, transient disk errors) with exponential backoff; never
 * retries `STORE_NOT_FOUND`, `STORE_CONFLICT`, refused credentials or a missing bucket. Logs one `warn` per
 * failed attempt (not for those two: they are answers).
 */
import pRetry from 'p-retry';
import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Store, StoreReader } from './store.js';
import { type AroundCall, wrapReader, wrapStore } from './wrap-store.js';

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

/** The retry layer around a reader (the server, the auditors' tools). */
export function withReaderRetry(reader: StoreReader, options: StoreRetryOptions): StoreReader {
  return wrapReader(reader, createRetry(reader.location, options));
}

/** The retry layer around the writer: every read of `withReaderRetry`, and the writes. */
export function withStoreRetry(store: Store, options: StoreRetryOptions): Store {
  return wrapStore(store, createRetry(store.location, options));
}

function createRetry(location: string, options: StoreRetryOptions): AroundCall {
  const { retries, log } = options;
  const minTimeout = options.minTimeoutMs ?? 500;
  // closing releases sockets and handles: never retried
  return (op, key, fn) =>
    op === 'close'
      ? fn()
      : pRetry(fn, {
          retries,
          minTimeout,
          maxTimeout: MAX_TIMEOUT_MS,
          factor: 2,
          randomize: minTimeout > 1,
          shouldRetry: ({ error }) => isRetryableStoreError(error),
          onFailedAttempt: ({ error, attemptNumber, retriesLeft }) => {
            // "not found" and a refused conditional write are answers, not failures
            if (isAppError(error, 'STORE_NOT_FOUND') || isAppError(error, 'STORE_CONFLICT')) return;
            const willRetry = isRetryableStoreError(error) && retriesLeft > 0;
            log.warn(
              { store: location, op, key, attempt: attemptNumber, willRetry, err: error },
              'store call failed',
            );
          },
        });
}
