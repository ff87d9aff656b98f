import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isAuthorized } from '../../../src/simulator/credentials.js';
import { parseExportParams } from '../../../src/simulator/export-render.js';
import { createFaultPicker } from '../../../src/simulator/faults.js';
import { FixedWindowLimiter } from '../../../src/simulator/rate-limit.js';
import { DEFAULT_RUNTIME_CONFIG, readRuntimeConfig } from '../../../src/simulator/sim-config.js';

test('export params: dotted, underscore, repeated and comma-separated, deduplicated', () => {
  const query = new URLSearchParams(
    'resource.kafka.id=lkc-1,lkc-2&resource_kafka_id=lkc-3&resource.kafka.id=lkc-1&resource_schema_registry_id=lsrc-1' +
      '&resource.compute_pool.id=lfcp-1&resource.custom_connector.id=lcc-9&metric=x',
  );
  assert.equal(
    [...parseExportParams(query, 'cloud')],
    [
      ['kafka', ['lkc-1', 'lkc-2', 'lkc-3']],
      ['schema_registry', ['lsrc-1']],
      ['compute_pool', ['lfcp-1']],
    ],
  );
  // custom connectors are the cloud-custom dataset's only type
  assert.equal([...parseExportParams(query, 'cloud-custom')], [['custom_connector', ['lcc-9']]]);
});

test('rate limit: fixed one-second windows with relative reset and Retry-After on refusal', () => {
  const limiter = new FixedWindowLimiter();
  const t = 10_000_250;
  assert.equal(limiter.take(t, 2), {
    allowed: true,
    headers: { 'X-RateLimit-Limit': '2', 'X-RateLimit-Remaining': '1', 'X-RateLimit-Reset': '1' },
  });
  assert.is(limiter.take(t + 1, 2).allowed, true);
  assert.equal(limiter.take(t + 2, 2), {
    allowed: false,
    headers: {
      'X-RateLimit-Limit': '2',
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': '1',
      'Retry-After': '1',
    },
  });
  assert.is(limiter.take(t + 750, 2).allowed, true, 'a new window starts at the next second');
});

test('faults: none at rate 0, always one at rate 1, expired-token only with a page token', () => {
  const pick = createFaultPicker(7);
  assert.is(pick({ ...DEFAULT_RUNTIME_CONFIG, faultRate: 0 }, true), undefined);
  const onlyExpired = { ...DEFAULT_RUNTIME_CONFIG, faultRate: 1, faultKinds: ['expired-token' as const] };
  assert.is(pick(onlyExpired, false), undefined);
  assert.is(pick(onlyExpired, true), 'expired-token');
  const all = { ...DEFAULT_RUNTIME_CONFIG, faultRate: 1 };
  const seen = new Set(Array.from({ length: 200 }, () => pick(all, false)));
  assert.equal([...seen].sort(), ['500', '503', 'broken-body', 'timeout']);
});

test('faults: the same seed draws the same sequence', () => {
  const config = { ...DEFAULT_RUNTIME_CONFIG, faultRate: 0.3 };
  const draw = () => {
    const pick = createFaultPicker(42);
    return Array.from({ length: 50 }, () => pick(config, true) ?? '-').join(',');
  };
  assert.is(draw(), draw());
});

test('runtime config checks name every bad field', () => {
  assert.equal(readRuntimeConfig({ faultRate: 0.5, latencyMs: 20, rateLimit: 0 }), {
    values: { faultRate: 0.5, latencyMs: 20, rateLimit: 0 },
    problems: [],
  });
  assert.equal(
    readRuntimeConfig({ faultRate: 2, latencyMs: -1, faultKinds: ['nope'], colour: 'red' }).problems,
    [
      'faultRate must be a number from 0 to 1',
      'latencyMs must be an integer from 0 to 600000',
      'faultKinds must be a non-empty list of 500, 503, timeout, broken-body, expired-token',
      'unknown setting colour',
    ],
  );
});

const basic = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`;
for (const [name, header, want] of [
  ['right key and secret', basic('sim-key:sim-secret'), true],
  ['a secret with a colon', basic('sim-key:sim-secret:x'), false],
  ['wrong secret', basic('sim-key:nope'), false],
  ['wrong key', basic('other:sim-secret'), false],
  ['no colon', basic('sim-key'), false],
  ['bearer', 'Bearer abc', false],
  ['missing', undefined, false],
] as const) {
  test(`basic auth: ${name}`, () => {
    assert.is(isAuthorized(header, 'sim-key', 'sim-secret'), want);
  });
}

test.run();
