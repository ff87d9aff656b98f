import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRateGate } from '../../../src/confluent/rate-gate.js';
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

test.run();
