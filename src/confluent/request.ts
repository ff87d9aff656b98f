/**
 * The one retry layer of the Confluent client. Every call goes through `run`: it waits for the host's rate
 * gate, takes a slot of the shared concurrency limit, sends one attempt with a timeout, checks the body, and
 * lets p-retry repeat transient failures (429, 5xx, timeouts, network errors, broken bodies) with capped,
 * jittered backoff or the delay the server asked for. It counts what it did for the manifest.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pLimit from 'p-limit';
import pRetry, { AbortError } from 'p-retry';
import { AppError, isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RateGate } from './rate-gate.js';
import {
  computeBackoffMs,
  headerDelayMs,
  isRetryableStatus,
  parseRateLimitHeaders,
  withHeaderJitterMs,
} from './retry-policy.js';
import type { ApiStats } from './stats.js';
import {
  AttemptFailure,
  authError,
  badResponseError,
  type CallDescription,
  requestError,
  statusFact,
  thrownToFailure,
  unavailableError,
} from './upstream-error.js';

/** What openapi-fetch returns for one request. */
export interface FetchResult {
  data?: unknown;
  error?: unknown;
  response: Response;
}

export interface ApiCall<T> extends CallDescription {
  gate: RateGate;
  /** Sends one attempt; must pass `signal` on to fetch. */
  send(signal: AbortSignal): Promise<FetchResult>;
  /** Checks a 2xx body; whatever it throws (ShapeError, PageTokenError) is API_BAD_RESPONSE, not retried. */
  parse(data: unknown): T;
}

export interface RequesterOptions {
  timeoutMs: number;
  retries: number;
  concurrency: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  log: Logger;
  signal?: AbortSignal;
  /** Tests pin the jitter. */
  random?: () => number;
}

export interface Requester {
  run<T>(call: ApiCall<T>): Promise<T>;
  stats(): ApiStats;
}

export function createRequester(options: RequesterOptions): Requester {
  const limit = pLimit(options.concurrency);
  const random = options.random ?? Math.random;
  const counts: ApiStats = { requests: 0, retries: 0, throttled: 0, failures: 0, durationMs: 0 };

  function attemptSignal(): AbortSignal {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    return options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  }

  /** One attempt. Throws AttemptFailure (retry) or AbortError wrapping an AppError (stop). */
  async function attempt<T>(call: ApiCall<T>, attemptNumber: number): Promise<T> {
    for (;;) {
      await call.gate.wait(options.signal);
      await call.gate.pace(options.signal);
      const outcome = await limit(
        (): Promise<T | typeof GATE_CLOSED> =>
          // Requests queued for a slot while the gate closed must not slip through: give the slot back and wait.
          call.gate.heldForMs(Date.now()) > 0 ? Promise.resolve(GATE_CLOSED) : send(call, attemptNumber),
      );
      if (outcome !== GATE_CLOSED) return outcome;
    }
  }

  async function send<T>(call: ApiCall<T>, attemptNumber: number): Promise<T> {
    counts.requests++;
    const started = performance.now();
    let result: FetchResult;
    try {
      result = await call.send(attemptSignal());
    } catch (err) {
      counts.failures++;
      if (options.signal?.aborted) throw new AbortError(abortedError(call, err));
      throw thrownToFailure(err, options.timeoutMs);
    } finally {
      counts.durationMs += performance.now() - started;
    }
    const { response } = result;
    const info = parseRateLimitHeaders(response.headers, Date.now());
    call.gate.observe(info, response.status);
    if (response.ok) {
      // An empty 200 is a cut-off answer, not a valid empty listing.
      if (result.data === undefined) {
        counts.failures++;
        throw new AttemptFailure('body', 'response body is empty', response.status);
      }
      try {
        return call.parse(result.data);
      } catch (err) {
        counts.failures++;
        const problem = err instanceof Error ? err.message : String(err);
        logFailure(call, attemptNumber, response.status, problem, null);
        throw new AbortError(badResponseError(call, problem, err));
      }
    }
    counts.failures++;
    const status = response.status;
    if (status === 429) counts.throttled++;
    if (isRetryableStatus(status)) {
      throw new AttemptFailure(
        'status',
        statusFact(status, result.error),
        status,
        headerDelayMs(status, info),
      );
    }
    const error =
      status === 401 || status === 403
        ? authError(call, status, result.error)
        : requestError(call, status, result.error);
    logFailure(call, attemptNumber, status, error.message, null);
    throw new AbortError(error);
  }

  function logFailure(
    call: ApiCall<unknown>,
    attemptNumber: number,
    status: number | undefined,
    reason: string,
    delayMs: number | null,
  ): void {
    options.log.warn(
      {
        action: call.action,
        endpoint: call.endpoint,
        status: status ?? null,
        attempt: attemptNumber,
        delayMs,
        reason,
      },
      delayMs === null ? 'confluent api request failed' : 'confluent api request failed, retrying',
    );
  }

  async function run<T>(call: ApiCall<T>): Promise<T> {
    let attempts = 0;
    try {
      return await pRetry(
        (n) => {
          attempts = n;
          return attempt(call, n);
        },
        {
          retries: options.retries,
          // p-retry's own wait is off: onFailedAttempt waits, so that Retry-After can win over the backoff.
          minTimeout: 0,
          maxTimeout: 0,
          ...(options.signal ? { signal: options.signal } : {}),
          onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
            if (!(error instanceof AttemptFailure)) throw error;
            if (retriesLeft <= 0) {
              logFailure(call, attemptNumber, error.status, error.fact, null);
              return;
            }
            const delayMs =
              error.headerDelayMs !== undefined
                ? withHeaderJitterMs(error.headerDelayMs, random())
                : computeBackoffMs(attemptNumber, options, random());
            counts.retries++;
            logFailure(call, attemptNumber, error.status, error.fact, delayMs);
            await sleep(delayMs, undefined, options.signal ? { signal: options.signal } : undefined);
          },
        },
      );
    } catch (err) {
      if (isAppError(err)) throw err;
      if (options.signal?.aborted) throw abortedError(call, err);
      if (err instanceof AttemptFailure) throw unavailableError(call, err, attempts);
      throw new AppError(
        'API_UNAVAILABLE',
        `${call.action}: ${err instanceof Error ? err.message : String(err)}`,
        {
          cause: err,
          retryable: true,
        },
      );
    }
  }

  return {
    run,
    stats: () => ({ ...counts, durationMs: Math.round(counts.durationMs) }),
  };
}

const GATE_CLOSED = Symbol('gate closed');

function abortedError(call: CallDescription, cause: unknown): AppError {
  return new AppError('ABORTED', `${call.action}: aborted`, { cause });
}
