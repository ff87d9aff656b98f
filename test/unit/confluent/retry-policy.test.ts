import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  computeBackoffMs,
  headerDelayMs,
  isRetryableStatus,
  MAX_HEADER_DELAY_MS,
  parseRateLimitHeaders,
  parseRetryAfterMs,
  withHeaderJitterMs,
} from '../../../src/confluent/retry-policy.js';

const backoff = { minBackoffMs: 500, maxBackoffMs: 30_000 };
const NOW = Date.parse('2026-01-01T00:00:00Z');

test('computeBackoffMs doubles from the minimum, is capped, and jitters within the upper half of the step', () => {
  const cases: [string, number, number, number][] = [
    ['attempt 1, no jitter', 1, 0, 250],
    ['attempt 1, full jitter', 1, 1, 500],
    ['attempt 2, half jitter', 2, 0.5, 750],
    ['attempt 4', 4, 1, 4000],
    ['attempt 7 is capped', 7, 1, 30_000],
    ['attempt 30 stays capped', 30, 0, 15_000],
  ];
  for (const [name, attempt, random, want] of cases) {
    assert.is(computeBackoffMs(attempt, backoff, random), want, name);
  }
});

test('isRetryableStatus: 408, 429 and 5xx only', () => {
  const cases: [number, boolean][] = [
    [200, false],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [599, true],
  ];
  for (const [status, want] of cases) assert.is(isRetryableStatus(status), want, String(status));
});

test('parseRetryAfterMs reads seconds, fractions and HTTP dates', () => {
  const cases: [string, string | null | undefined, number | undefined][] = [
    ['absent', undefined, undefined],
    ['null', null, undefined],
    ['empty', '  ', undefined],
    ['seconds', '3', 3000],
    ['zero', '0', 0],
    ['fraction', '0.25', 250],
    ['http date', 'Thu, 01 Jan 2026 00:00:05 GMT', 5000],
    ['date in the past', 'Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['garbage', 'soon', undefined],
    ['negative', '-1', undefined],
  ];
  for (const [name, value, want] of cases) assert.is(parseRetryAfterMs(value, NOW), want, name);
});

function headers(map: Record<string, string>) {
  return new Headers(map);
}

test('parseRateLimitHeaders reads the X-RateLimit-* set, Retry-After, and the most cautious of two sets', () => {
  const cases: [string, Record<string, string>, object][] = [
    ['none', {}, {}],
    [
      'all',
      {
        'X-RateLimit-Limit': '100',
        'X-RateLimit-Remaining': '7',
        'X-RateLimit-Reset': '12',
        'Retry-After': '2',
      },
      { limit: 100, remaining: 7, resetMs: 12_000, retryAfterMs: 2000 },
    ],
    [
      'metrics spelling',
      { 'rateLimit-remaining': '3', 'rateLimit-reset': '1' },
      { remaining: 3, resetMs: 1000 },
    ],
    [
      'two sets joined',
      { 'x-ratelimit-remaining': '50, 4', 'x-ratelimit-reset': '1, 30' },
      { remaining: 4, resetMs: 30_000 },
    ],
    ['unreadable values dropped', { 'x-ratelimit-remaining': 'many', 'x-ratelimit-reset': '' }, {}],
  ];
  for (const [name, given, want] of cases)
    assert.equal(parseRateLimitHeaders(headers(given), NOW), want, name);
});

test('headerDelayMs: Retry-After wins, then the window reset on 429 only', () => {
  assert.is(headerDelayMs(429, { retryAfterMs: 2000, resetMs: 9000 }), 2000);
  assert.is(headerDelayMs(429, { resetMs: 9000 }), 9000);
  assert.is(headerDelayMs(503, { retryAfterMs: 1000 }), 1000);
  assert.is(headerDelayMs(503, { resetMs: 9000 }), undefined);
  assert.is(headerDelayMs(429, {}), undefined);
});

test('withHeaderJitterMs never waits less than asked, adds at most 10 % (1 s), and caps absurd waits', () => {
  assert.is(withHeaderJitterMs(1000, 0), 1000);
  assert.is(withHeaderJitterMs(1000, 1), 1100);
  assert.is(withHeaderJitterMs(60_000, 1), 61_000);
  assert.is(withHeaderJitterMs(10 * MAX_HEADER_DELAY_MS, 0), MAX_HEADER_DELAY_MS);
  assert.is(withHeaderJitterMs(-5, 1), 0);
});

test.run();
