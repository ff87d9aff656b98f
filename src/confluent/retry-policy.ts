/**
 * Pure rules of the retry layer: which answers are worth another attempt, how long to wait, and what the
 * rate-limit headers say. No I/O and no clock: callers pass `now` and a random number.
 */

export interface BackoffOptions {
  minBackoffMs: number;
  maxBackoffMs: number;
}

/** Header delays are honoured up to this much, so a broken proxy cannot park the job for hours. */
export const MAX_HEADER_DELAY_MS = 300_000;

/** 408, 429 and every 5xx are transient; any other status will not change by asking again. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * Capped exponential backoff with "equal jitter": half the step is fixed, half random, so attempts of
 * concurrent listings spread out but never retry at once. `attempt` counts from 1 (the failed attempt).
 */
export function computeBackoffMs(attempt: number, options: BackoffOptions, random: number): number {
  const step = Math.min(options.maxBackoffMs, options.minBackoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + (random * step) / 2);
}

/** A delay the server asked for, plus a little jitter (at most 10 %, at most 1 s) so waiting clients do not return in step. */
export function withHeaderJitterMs(headerDelayMs: number, random: number): number {
  const capped = Math.min(Math.max(0, headerDelayMs), MAX_HEADER_DELAY_MS);
  return Math.round(capped + random * Math.min(1000, capped * 0.1));
}

/** `Retry-After`: delta seconds (fractions tolerated) or an HTTP date. Returns milliseconds, or undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date always names a weekday or month; Date.parse would also accept odd strings like "-1".
  const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * A numeric header. The Metrics API sends two sets of rate-limit headers (global and per endpoint), which
 * fetch joins with ", "; the most cautious value wins (`pick`).
 */
function parseNumberHeader(
  value: string | null | undefined,
  pick: (...n: number[]) => number,
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const numbers = value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => /^\d+(\.\d+)?$/.test(part))
    .map(Number);
  return numbers.length === 0 ? undefined : pick(...numbers);
}

export interface RateLimitInfo {
  limit?: number;
  remaining?: number;
  /** From `X-RateLimit-Reset`, which Confluent sends as seconds relative to now (not an epoch). */
  resetMs?: number;
  retryAfterMs?: number;
}

export interface HeaderSource {
  get(name: string): string | null;
}

/** Reads `X-RateLimit-Limit/Remaining/Reset` and `Retry-After`; the Metrics API's `rateLimit-*` spelling is the same header (names are case-insensitive). */
export function parseRateLimitHeaders(headers: HeaderSource, nowMs: number): RateLimitInfo {
  const info: RateLimitInfo = {};
  const limit = parseNumberHeader(
    headers.get('x-ratelimit-limit') ?? headers.get('ratelimit-limit'),
    Math.min,
  );
  const remaining = parseNumberHeader(
    headers.get('x-ratelimit-remaining') ?? headers.get('ratelimit-remaining'),
    Math.min,
  );
  const reset = parseNumberHeader(
    headers.get('x-ratelimit-reset') ?? headers.get('ratelimit-reset'),
    Math.max,
  );
  const retryAfterMs = parseRetryAfterMs(headers.get('retry-after'), nowMs);
  if (limit !== undefined) info.limit = limit;
  if (remaining !== undefined) info.remaining = remaining;
  if (reset !== undefined) info.resetMs = Math.round(reset * 1000);
  if (retryAfterMs !== undefined) info.retryAfterMs = retryAfterMs;
  return info;
}

/**
 * The delay the server asked for on a failed answer: `Retry-After` first, then — only for 429 — the time
 * until the rate-limit window resets. Undefined means: use the computed backoff.
 */
export function headerDelayMs(status: number, info: RateLimitInfo): number | undefined {
  if (info.retryAfterMs !== undefined) return info.retryAfterMs;
  if (status === 429 && info.resetMs !== undefined) return info.resetMs;
  return undefined;
}
