/** The Metrics API limits of the simulator, driven by a fake clock: windows, budgets, headers' numbers, stats. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MetricsLimiter } from '../../../src/simulator/metrics-limiter.js';
import { METRICS_LIMIT_SETS, secondsUntil, windowAt } from '../../../src/simulator/metrics-limits.js';
import { MetricsTraffic } from '../../../src/simulator/metrics-stats.js';
import { readRuntimeConfig } from '../../../src/simulator/sim-config.js';

const S2025 = METRICS_LIMIT_SETS['2025'];
const S2026 = METRICS_LIMIT_SETS['2026'];
const T0 = Date.UTC(2026, 10, 23, 10, 0, 0);

test('the limit sets are the documented numbers', () => {
  assert.equal(METRICS_LIMIT_SETS, {
    '2025': { requestsPerMinutePerIp: 60, exportsPerHourPerResource: 80, pointsPerMetric: 30_000 },
    '2026': { requestsPerMinutePerIp: 300, exportsPerHourPerResource: 160, pointsPerMetric: 60_000 },
  });
});

for (const [name, now, lengthMs, scale, want, reset] of [
  ['a minute at scale 1', T0 + 15_000, 60_000, 1, { index: T0 / 60_000, endsAt: T0 + 60_000 }, 45],
  ['a minute at scale 60 lasts one second', T0 + 250, 60_000, 60, { index: T0 / 1000, endsAt: T0 + 1000 }, 1],
  [
    'an hour at scale 60 lasts a minute',
    T0 + 59_001,
    3_600_000,
    60,
    { index: T0 / 60_000, endsAt: T0 + 60_000 },
    1,
  ],
  ['an hour at scale 1', T0 + 1, 3_600_000, 1, { index: T0 / 3_600_000, endsAt: T0 + 3_600_000 }, 3600],
] as const) {
  test(`simulated windows: ${name}`, () => {
    const window = windowAt(now, lengthMs, scale);
    assert.equal(window, want);
    assert.is(secondsUntil(window, now), reset);
  });
}

test('per IP: the minute allows the limit, then refuses without counting; the next minute starts over', () => {
  const limiter = new MetricsLimiter();
  const states = Array.from({ length: 61 }, (_, i) =>
    limiter.takeRequest('10.0.0.1', T0 + i * 100, S2025, 1),
  );
  assert.equal(states[0], { allowed: true, state: { limit: 60, remaining: 59, resetSeconds: 60 } });
  assert.equal(states[59], { allowed: true, state: { limit: 60, remaining: 0, resetSeconds: 55 } });
  assert.equal(states[60], { allowed: false, state: { limit: 60, remaining: 0, resetSeconds: 54 } });
  assert.is(
    limiter.takeRequest('10.0.0.2', T0 + 7000, S2025, 1).allowed,
    true,
    'another IP has its own minute',
  );
  assert.equal(limiter.takeRequest('10.0.0.1', T0 + 60_000, S2025, 1), {
    allowed: true,
    state: { limit: 60, remaining: 59, resetSeconds: 60 },
  });
});

test('per resource: one unit per requested id; a refusal names the spent ones and spends nothing', () => {
  const limiter = new MetricsLimiter();
  for (let i = 0; i < 80; i++) {
    assert.is(limiter.takeResources('key', ['kafka.id:lkc-1'], T0 + i, S2025, 1).allowed, true);
  }
  const refused = limiter.takeResources('key', ['kafka.id:lkc-2', 'kafka.id:lkc-1'], T0 + 100, S2025, 1);
  assert.equal(refused, {
    allowed: false,
    refused: ['kafka.id:lkc-1'],
    state: { limit: 80, remaining: 0, resetSeconds: 3600 },
  });
  assert.equal(
    limiter.takeResources('key', ['kafka.id:lkc-2'], T0 + 200, S2025, 1).state,
    { limit: 80, remaining: 79, resetSeconds: 3600 },
    'the refused request did not spend lkc-2',
  );
  assert.is(
    limiter.takeResources('other-key', ['kafka.id:lkc-1'], T0 + 300, S2025, 1).allowed,
    true,
    'another principal has its own budget',
  );
  assert.is(limiter.takeResources('key', ['kafka.id:lkc-1'], T0 + 3_600_000, S2025, 1).allowed, true);
});

test('per resource at time scale 60: the hour is one real minute', () => {
  const limiter = new MetricsLimiter();
  for (let i = 0; i < 160; i++) limiter.takeResources('key', ['kafka.id:lkc-1'], T0 + i, S2026, 60);
  const spent = limiter.takeResources('key', ['kafka.id:lkc-1'], T0 + 30_000, S2026, 60);
  assert.equal([spent.allowed, spent.state.resetSeconds], [false, 30]);
  assert.is(limiter.takeResources('key', ['kafka.id:lkc-1'], T0 + 60_000, S2026, 60).allowed, true);
});

test('a change of limits or time scale starts from fresh windows; reset forgets everything', () => {
  const limiter = new MetricsLimiter();
  for (let i = 0; i < 60; i++) limiter.takeRequest('ip', T0, S2025, 1);
  assert.is(limiter.takeRequest('ip', T0, S2025, 1).allowed, false);
  assert.is(limiter.takeRequest('ip', T0, S2025, 2).allowed, true, 'new time scale');
  for (let i = 0; i < 80; i++) limiter.takeResources('k', ['kafka.id:a'], T0, S2025, 2);
  assert.is(limiter.takeResources('k', ['kafka.id:a'], T0, S2025, 2).allowed, false);
  limiter.reset();
  assert.is(limiter.takeResources('k', ['kafka.id:a'], T0, S2025, 2).allowed, true);
});

test('traffic stats: current, last and peak requests per simulated minute; 429s and cuts apart', () => {
  let scale = 1;
  const traffic = new MetricsTraffic(() => scale);
  for (let i = 0; i < 5; i++) traffic.request(T0 + i);
  traffic.rateLimited(T0 + 10, 'perIp');
  for (let i = 0; i < 3; i++) traffic.request(T0 + 60_000 + i);
  traffic.rateLimited(T0 + 60_010, 'perResource');
  traffic.truncated(T0 + 60_020, 1234);
  assert.equal(traffic.snapshot(T0 + 61_000), {
    requestsPerMinute: { current: 3, last: 5, peak: 5 },
    rateLimitedPerIp: 1,
    rateLimitedPerResource: 1,
    truncatedResponses: 1,
    seriesCut: 1234,
    minutes: [
      {
        start: '2026-11-23T10:00:00.000Z',
        requests: 5,
        rateLimitedPerIp: 1,
        rateLimitedPerResource: 0,
        truncatedResponses: 0,
        seriesCut: 0,
      },
      {
        start: '2026-11-23T10:01:00.000Z',
        requests: 3,
        rateLimitedPerIp: 0,
        rateLimitedPerResource: 1,
        truncatedResponses: 1,
        seriesCut: 1234,
      },
    ],
  });
  assert.equal(traffic.snapshot(T0 + 180_000).requestsPerMinute, { current: 0, last: 0, peak: 5 });
  scale = 60;
  traffic.request(T0 + 180_500);
  assert.equal(traffic.snapshot(T0 + 180_900).minutes.at(-1)?.start, '2026-11-23T10:03:00.000Z');
});

test('traffic stats keep the last 60 minutes', () => {
  const traffic = new MetricsTraffic(() => 1);
  for (let m = 0; m < 75; m++) traffic.request(T0 + m * 60_000);
  const { minutes } = traffic.snapshot(T0 + 74 * 60_000);
  assert.equal([minutes.length, minutes[0]?.start], [60, '2026-11-23T10:15:00.000Z']);
});

test('runtime config: metricsLimits by name or number, timeScale from 1 to 3600', () => {
  assert.equal(readRuntimeConfig({ metricsLimits: 2026, timeScale: 60 }), {
    values: { metricsLimits: '2026', timeScale: 60 },
    problems: [],
  });
  assert.equal(readRuntimeConfig({ metricsLimits: 'none', timeScale: 1.5 }).values, {
    metricsLimits: 'none',
    timeScale: 1.5,
  });
  assert.equal(readRuntimeConfig({ metricsLimits: '2024', timeScale: 0 }).problems, [
    'metricsLimits must be one of none, 2025, 2026',
    'timeScale must be a number from 1 to 3600',
  ]);
});

test.run();
