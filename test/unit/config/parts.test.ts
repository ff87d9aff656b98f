/** The program's config parts, loaded by name as the commands declare them: defaults, messages, cross-field rules. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError } from '../../../src/errors.js';
import { durationToCron } from '../../../src/publish/config.js';
import { loadNamedParts } from '../../helpers/config.js';

const job = { CONFLUENT_API_KEY: 'KEY', CONFLUENT_API_SECRET: 'SECRET' };

test('defaults for the job', () => {
  const c = loadNamedParts(job, ['confluent', 'store', 'render', 'publish', 'schedule'], '/work');
  assert.equal(c.confluent, {
    apiKey: 'KEY',
    apiSecret: 'SECRET',
    apiUrl: 'https://api.confluent.cloud',
    telemetryUrl: 'https://api.telemetry.confluent.cloud',
    timeoutMs: 30000,
    concurrency: 8,
    retries: 6,
  });
  assert.equal(c.store, { kind: 'file', dir: '/work/data' });
  assert.equal(c.render, {
    combinations: [
      { targets: ['api.telemetry.confluent.cloud'], prefix: '' },
      { targets: ['api.telemetry.confluent.cloud'], prefix: 'confluent_' },
    ],
    paramStyle: 'underscore',
    groupBy: 'plan',
    batchSize: 50,
    plan: {
      requestsPerMinute: 240,
      requestsPerResourceHour: 128,
      pointsPerMetric: 48_000,
      maxUrlBytes: 2048,
      intervalSeconds: 60,
      scrapers: 2,
      overflow: 'interval',
    },
  });
  assert.equal(c.publish, { maxShrink: 0.5, runTimeoutMs: 1_500_000 });
  assert.equal(c.schedule, { expression: '*/30 * * * *' });
  assert.ok(Object.isFrozen(c.render.combinations[0]));
});

test('every bad field is reported together', () => {
  try {
    loadNamedParts(
      {
        CONFLUENT_API_URL: 'not a url',
        SD_API_CONCURRENCY: '-1',
        SD_PREFIXES: '__x,9a',
        SD_TARGETS: 'https://x/y',
        SD_STORE: 'ftp://x',
      },
      ['confluent', 'store', 'render'],
    );
    assert.unreachable('should throw');
  } catch (err) {
    assert.instance(err, AppError);
    const e = err as AppError;
    assert.is(e.code, 'CONFIG_INVALID');
    for (const want of [
      'CONFLUENT_API_KEY is required',
      'CONFLUENT_API_SECRET is required',
      'CONFLUENT_API_URL must be an http(s) URL',
      'SD_API_CONCURRENCY must be a whole number from 1 to 256, got "-1"',
      'prefix "__x" must not start with "__"',
      'prefix "9a" must match',
      'target "https://x/y" must not have a scheme',
      'SD_STORE must be file:<dir> or s3://<bucket>/<prefix>',
    ]) {
      assert.ok(e.message.includes(want), `missing "${want}" in:\n${e.message}`);
    }
  }
});

test('s3 store, several target lists and dotted params', () => {
  const c = loadNamedParts(
    {
      SD_STORE: 's3://my-bucket/sd/prod/',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      SD_TARGETS: 'a.example:9090,b.example; c.example',
      SD_PREFIXES: 'cc_',
      SD_PARAM_STYLE: 'dotted',
    },
    ['store', 'render'],
  );
  assert.equal(c.store, {
    kind: 's3',
    bucket: 'my-bucket',
    prefix: 'sd/prod',
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9000',
  });
  assert.equal(
    c.render.combinations.map((x) => [x.targets, x.prefix]),
    [
      [['a.example:9090', 'b.example'], 'cc_'],
      [['c.example'], 'cc_'],
    ],
  );
  assert.is(c.render.paramStyle, 'dotted');
});

test('document names that collide are a config error', () => {
  // (prefixes "cc" and "cc_" no longer can: a prefix must end with "_"; targets still can, ":" is written "-")
  assert.throws(
    () => loadNamedParts({ SD_TARGETS: 'a.example:9000; a.example-9000', SD_PREFIXES: 'cc_' }, ['render']),
    /share the document name "cc--a.example-9000"/,
  );
});

test('server needs a token unless SD_AUTH=off', () => {
  assert.throws(() => loadNamedParts({}, ['serve']), /SD_BEARER_TOKENS or SD_BEARER_TOKEN_FILE is required/);
  assert.is(loadNamedParts({ SD_AUTH: 'off' }, ['serve']).serve.auth, 'off');
  assert.throws(() => loadNamedParts({ SD_BEARER_TOKENS: 'short' }, ['serve']), /at least 16 characters/);
  const s = loadNamedParts(
    { SD_BEARER_TOKENS: 'aaaaaaaaaaaaaaaa, bbbbbbbbbbbbbbbb', SD_LISTEN: '127.0.0.1:0' },
    ['serve'],
  ).serve;
  assert.equal([s.bearerTokens, s.host, s.port], [['aaaaaaaaaaaaaaaa', 'bbbbbbbbbbbbbbbb'], '127.0.0.1', 0]);
});

test('CACHE_DURATION is accepted as an interval', () => {
  const table: [string, string | undefined][] = [
    ['30m', '*/30 * * * *'],
    ['1h', '0 */1 * * *'],
    ['15s', '*/15 * * * * *'],
    ['120m', '0 */2 * * *'],
    ['45m', undefined],
    ['7s', undefined],
    ['soon', undefined],
  ];
  for (const [given, want] of table) assert.is(durationToCron(given), want, given);
  assert.is(loadNamedParts({ CACHE_DURATION: '30m' }, ['schedule']).schedule.expression, '*/30 * * * *');
  assert.is(
    loadNamedParts({ CACHE_DURATION: '30m', SD_SCHEDULE: '0 * * * *' }, ['schedule']).schedule.expression,
    '0 * * * *',
  );
  assert.throws(
    () => loadNamedParts({ CACHE_DURATION: '45m' }, ['schedule']),
    /CACHE_DURATION must be an interval/,
  );
  assert.throws(
    () => loadNamedParts({ SD_SCHEDULE: 'every day' }, ['schedule']),
    /not a valid cron expression/,
  );
});

test('the scrape plan variables: limits revision, margin, overrides, and every bad value named', () => {
  const c = loadNamedParts(
    {
      SD_METRICS_LIMITS: '2025',
      SD_SCRAPE_MARGIN: '0.5',
      SD_SCRAPE_INTERVAL: '2m',
      SD_SCRAPERS: '1',
      SD_PLAN_OVERFLOW: 'shard',
    },
    ['render'],
  );
  assert.equal(c.render.plan, {
    requestsPerMinute: 30,
    requestsPerResourceHour: 40,
    pointsPerMetric: 15_000,
    maxUrlBytes: 2048,
    intervalSeconds: 120,
    scrapers: 1,
    overflow: 'shard',
  });
  const o = loadNamedParts({ SD_SCRAPE_BUDGET: '100', SD_POINTS_LIMIT: '5000' }, ['render']);
  assert.is(o.render.plan.requestsPerMinute, 100);
  assert.is(o.render.plan.pointsPerMetric, 5000);
  try {
    loadNamedParts(
      {
        SD_METRICS_LIMITS: '2024',
        SD_SCRAPE_INTERVAL: '5x',
        SD_SCRAPERS: '0',
        SD_SCRAPE_MARGIN: '1',
        SD_GROUP_BY: 'cluster',
      },
      ['render'],
    );
    assert.unreachable('should throw');
  } catch (err) {
    const message = (err as Error).message;
    for (const want of [
      'SD_METRICS_LIMITS must be one of 2025, 2026, got "2024"',
      'SD_SCRAPE_INTERVAL must be a duration such as 30s, 1m or 2m (10s to 24h), got "5x"',
      'SD_SCRAPERS must be a whole number from 1 to 100, got "0"',
      'SD_SCRAPE_MARGIN must be a number from 0 to 0.9, got "1"',
      'SD_GROUP_BY must be one of plan, resource, environment, got "cluster"',
    ])
      assert.ok(message.includes(want), `${want}\n${message}`);
  }
});

test.run();
