import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRateGate, PACE_SHARE } from '../../../src/confluent/rate-gate.js';
import { MAX_HEADER_DELAY_MS } from '../../../src/confluent/retry-policy.js';

function gateAt(threshold: number) {
  const clock = { now: 1_000_000 };
  const gate = createRateGate({ threshold, now: () => clock.now });
  return { gate, clock };
}

test('rate gate holds new requests when fewer than the concurrency remain, until the window resets', () => {
  const cases: [
    string,
    number,
    { remaining?: number; resetMs?: number; retryAfterMs?: number },
    number,
    number,
  ][] = [
    ['plenty remaining', 200, { remaining: 50, resetMs: 10_000 }, 4, 0],
    ['at the threshold', 200, { remaining: 4, resetMs: 10_000 }, 4, 0],
    ['below the threshold', 200, { remaining: 3, resetMs: 10_000 }, 4, 10_000],
    ['exhausted', 200, { remaining: 0, resetMs: 2000 }, 1, 2000],
    ['no reset header: nothing to wait for', 200, { remaining: 0 }, 4, 0],
    ['429 with Retry-After', 429, { retryAfterMs: 3000, resetMs: 9000 }, 4, 3000],
    ['429 with only the reset', 429, { resetMs: 9000 }, 4, 9000],
    ['429 without headers', 429, {}, 4, 0],
    [
      'absurd reset is capped',
      200,
      { remaining: 0, resetMs: 10 * MAX_HEADER_DELAY_MS },
      4,
      MAX_HEADER_DELAY_MS,
    ],
  ];
  for (const [name, status, info, threshold, want] of cases) {
    const { gate, clock } = gateAt(threshold);
    gate.observe(info, status);
    assert.is(gate.heldForMs(clock.now), want, name);
  }
});

test('rate gate keeps the longest hold and lets it expire with time', () => {
  const { gate, clock } = gateAt(4);
  gate.observe({ remaining: 0, resetMs: 5000 }, 200);
  gate.observe({ remaining: 90, resetMs: 60_000 }, 200);
  gate.observe({ remaining: 1, resetMs: 1000 }, 200);
  assert.is(gate.heldForMs(clock.now), 5000);
  clock.now += 5000;
  assert.is(gate.heldForMs(clock.now), 0);
});

test('rate gate wait resolves at once when open and rejects when aborted while held', async () => {
  const open = createRateGate({ threshold: 1 });
  await open.wait();
  const held = createRateGate({ threshold: 1 });
  held.observe({ remaining: 0, resetMs: 60_000 }, 200);
  const controller = new AbortController();
  const waiting = held.wait(controller.signal);
  controller.abort(new Error('stop'));
  try {
    await waiting;
    assert.unreachable('should have rejected');
  } catch (err) {
    assert.is((err as Error).name, 'AbortError');
  }
});

test('pacing spreads requests at a little under the advertised limit over the window', () => {
  const cases: [string, { limit?: number; remaining?: number; resetMs?: number }[], number][] = [
    ['no limit known', [{ remaining: 10, resetMs: 1000 }], 0],
    ['200 per one-second window', [{ limit: 200, remaining: 150, resetMs: 1000 }], 1000 / (200 * PACE_SHARE)],
    [
      'a reset part-way through the window does not shorten it',
      [
        { limit: 200, remaining: 150, resetMs: 1000 },
        { limit: 200, remaining: 100, resetMs: 300 },
      ],
      1000 / (200 * PACE_SHARE),
    ],
    ['a minute window', [{ limit: 100, remaining: 99, resetMs: 60_000 }], 60_000 / (100 * PACE_SHARE)],
  ];
  for (const [name, observed, want] of cases) {
    const { gate } = gateAt(8);
    for (const info of observed) gate.observe(info, 200);
    assert.is(gate.spacingMs(), want, name);
  }
});

test('paced sends take consecutive slots', async () => {
  const { gate, clock } = gateAt(8);
  await gate.pace(); // no limit yet: at once
  gate.observe({ limit: 1, remaining: 1, resetMs: 1000 }, 200);
  const spacing = gate.spacingMs();
  await gate.pace(); // the first slot is now
  let second = false;
  const waiting = gate.pace().then(() => {
    second = true;
  });
  await new Promise((r) => setImmediate(r));
  assert.is(second, false, 'the next slot is one spacing later');
  clock.now += spacing;
  await waiting;
  assert.ok(second);
});

test.run();
