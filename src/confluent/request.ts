/**
 * The one retry layer of the Confluent client. Every call goes through `run`: it waits for the host's rate
 * gate, takes a slot of the shared concurrency limit, sends one attempt with a timeout, checks the body, and
 * lets p-retry repeat transient failures (429, 5xx, timeouts, network errors, broken bodies) with capped,
 * jittered backoff or the delay the server asked for. It counts what it did for the manifest.
 */
import pLimit, { type LimitFunction } from 'p-limit';
import pRetry, { AbortError, type RetryContext } from 'p-retry';
import type { Logger } from '../log.js';
import { createTimeoutSignal, sleep } from './abort.js';
import { ResponseTooLargeError } from './body-limit.js';
import type { RateGate } from './rate-gate.js';
import { keepText, type Redact } from './redact.js';
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
  abortedError,
  authError,
  badResponseError,
  boundText,
  type CallDescription,
  finalError,
  requestError,
  statusFact,
  thrownToFailure,
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
  /** Removes the credentials from text taken from a response. */
  redact?: Redact;
  /** Tests pin the jitter. */
  random?: () => number;
}

export interface Requester {
  run<T>(call: ApiCall<T>): Promise<T>;
  stats(): ApiStats;
}

export function createRequester(options: RequesterOptions): Requester {
  return new RetryingRequester(options);
}

const GATE_CLOSED = Symbol('gate closed');

class RetryingRequester implements Requester {
  private readonly limit: LimitFunction;
  private readonly random: () => number;
  private readonly redact: Redact;
  private readonly counts: ApiStats = { requests: 0, retries: 0, throttled: 0, failures: 0, durationMs: 0 };

  constructor(private readonly options: RequesterOptions) {
    this.limit = pLimit(options.concurrency);
    this.random = options.random ?? Math.random;
    this.redact = options.redact ?? keepText;
  }

  stats(): ApiStats {
    return { ...this.counts, durationMs: Math.round(this.counts.durationMs) };
  }

  async run<T>(call: ApiCall<T>): Promise<T> {
    const { signal } = this.options;
    let attempts = 0;
    try {
      return await pRetry(
        (n) => {
          attempts = n;
          return this.attempt(call, n);
        },
        {
          retries: this.options.retries,
          // p-retry's own wait is off: onFailedAttempt waits, so that Retry-After can win over the backoff.
          minTimeout: 0,
          maxTimeout: 0,
          ...(signal ? { signal } : {}),
          onFailedAttempt: (context) => this.waitBeforeRetry(call, context),
        },
      );
    } catch (err) {
      throw finalError(call, err, attempts, this.options.signal?.aborted === true);
    }
  }

  /** Logs a failed attempt and waits out its delay; rethrows what is not worth another attempt. */
  private async waitBeforeRetry(call: ApiCall<unknown>, context: RetryContext): Promise<void> {
    const { error, attemptNumber, retriesLeft } = context;
    if (!(error instanceof AttemptFailure)) throw error;
    if (retriesLeft <= 0) {
      this.logFailure(call, attemptNumber, error.status, error.fact, null);
      return;
    }
    const delayMs =
      error.headerDelayMs !== undefined
        ? withHeaderJitterMs(error.headerDelayMs, this.random())
        : computeBackoffMs(attemptNumber, this.options, this.random());
    this.counts.retries++;
    this.logFailure(call, attemptNumber, error.status, error.fact, delayMs);
    const { signal } = this.options;
    await sleep(delayMs, signal);
  }

  /** One attempt. Throws AttemptFailure (retry) or AbortError wrapping an AppError (stop). */
  private async attempt<T>(call: ApiCall<T>, attemptNumber: number): Promise<T> {
    const { signal } = this.options;
    for (;;) {
      await call.gate.wait(signal);
      await call.gate.pace(signal);
      const outcome = await this.limit(
        (): Promise<T | typeof GATE_CLOSED> =>
          // Requests queued for a slot while the gate closed must not slip through: give the slot back and wait.
          call.gate.heldForMs(Date.now()) > 0 ? Promise.resolve(GATE_CLOSED) : this.send(call, attemptNumber),
      );
      if (outcome !== GATE_CLOSED) return outcome;
    }
  }

  private async send<T>(call: ApiCall<T>, attemptNumber: number): Promise<T> {
    const result = await this.fetchOnce(call, attemptNumber);
    const { response } = result;
    const info = parseRateLimitHeaders(response.headers, Date.now());
    call.gate.observe(info, response.status);
    if (response.ok) return this.readBody(call, result, attemptNumber);
    this.counts.failures++;
    const status = response.status;
    if (status === 429) this.counts.throttled++;
    if (isRetryableStatus(status)) {
      throw new AttemptFailure(
        'status',
        statusFact(status, result.error, this.redact),
        status,
        headerDelayMs(status, info),
      );
    }
    const error =
      status === 401 || status === 403
        ? authError(call, status, result.error, this.redact)
        : requestError(call, status, result.error, this.redact);
    this.logFailure(call, attemptNumber, status, error.message, null);
    throw new AbortError(error);
  }

  /**
   * Sends the request and reads its body (openapi-fetch reads it before it returns), counting it and its time,
   * all under one attempt signal; what fetch throws becomes an AttemptFailure or the abort.
   */
  private async fetchOnce(call: ApiCall<unknown>, attemptNumber: number): Promise<FetchResult> {
    this.counts.requests++;
    const started = performance.now();
    const attempt = createTimeoutSignal(this.options.signal, this.options.timeoutMs);
    try {
      return await call.send(attempt.signal);
    } catch (err) {
      this.counts.failures++;
      if (this.options.signal?.aborted) throw new AbortError(abortedError(call, err));
      if (err instanceof ResponseTooLargeError) {
        // asking again would fetch the same flood
        this.logFailure(call, attemptNumber, err.status, err.message, null);
        throw new AbortError(badResponseError(call, err.message, err));
      }
      throw thrownToFailure(err, this.options.timeoutMs);
    } finally {
      attempt.release();
      this.counts.durationMs += performance.now() - started;
    }
  }

  /** The checked body of a 2xx answer. */
  private readBody<T>(call: ApiCall<T>, result: FetchResult, attemptNumber: number): T {
    const { status } = result.response;
    // An empty 200 is a cut-off answer, not a valid empty listing.
    if (result.data === undefined) {
      this.counts.failures++;
      throw new AttemptFailure('body', 'response body is empty', status);
    }
    try {
      return call.parse(result.data);
    } catch (err) {
      this.counts.failures++;
      const problem = boundText(err instanceof Error ? err.message : String(err), this.redact);
      this.logFailure(call, attemptNumber, status, problem, null);
      throw new AbortError(badResponseError(call, problem, err));
    }
  }

  private logFailure(
    call: ApiCall<unknown>,
    attemptNumber: number,
    status: number | undefined,
    reason: string,
    delayMs: number | null,
  ): void {
    this.options.log.warn(
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
}
