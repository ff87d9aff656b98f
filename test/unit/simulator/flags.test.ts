import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isAppError } from '../../../src/errors.js';
import { parseSimulateFlags } from '../../../src/simulator/command.js';

test('flags map to simulator options', () => {
  const options = parseSimulateFlags([
    '--port=0',
    '--host=0.0.0.0',
    '--seed=7',
    '--environments=200',
    '--kafka-per-env=10',
    '--connectors-per-cluster=5',
    '--ksql-per-env=0',
    '--compute-pools-per-env=2',
    '--no-schema-registry',
    '--latency-ms=20',
    '--fault-rate=0.25',
    '--fault-kinds=500,timeout',
    '--rate-limit=50',
    '--page-token-ttl-ms=1000',
    '--fault-timeout-ms=200',
    '--api-key=k',
    '--api-secret=s',
  ]);
  assert.equal(options, {
    seed: 7,
    environments: 200,
    kafkaPerEnv: 10,
    connectorsPerCluster: 5,
    ksqlPerEnv: 0,
    computePoolsPerEnv: 2,
    latencyMs: 20,
    rateLimit: 50,
    pageTokenTtlMs: 1000,
    faultTimeoutMs: 200,
    schemaRegistry: false,
    faultRate: 0.25,
    faultKinds: ['500', 'timeout'],
    host: '0.0.0.0',
    apiKey: 'k',
    apiSecret: 's',
    port: 0,
  });
});

test('no flags: the default port and nothing else', () => {
  assert.equal(parseSimulateFlags([]), { port: 8090 });
});

test('every bad flag is named in one USAGE error', () => {
  try {
    parseSimulateFlags([
      '--port=70000',
      '--fault-rate=1.5',
      '--seed=x',
      '--environments=-1',
      '--fault-kinds=boom',
    ]);
    assert.unreachable('should throw');
  } catch (err) {
    assert.ok(isAppError(err, 'USAGE'));
    assert.is(
      err.message,
      'simulate: --seed must be an integer from 0 to 4294967295 (got "x"); ' +
        '--environments must be an integer from 0 to 100000 (got "-1"); ' +
        '--fault-rate must be a number from 0 to 1 (got "1.5"); ' +
        '--fault-kinds must list some of 500,503,timeout,broken-body,expired-token (got "boom"); ' +
        '--port must be an integer from 0 to 65535 (got "70000")',
    );
  }
});

test('--metrics-limits and --time-scale map to the runtime settings', () => {
  assert.equal(parseSimulateFlags(['--metrics-limits=2026', '--time-scale=60']), {
    metricsLimits: '2026',
    timeScale: 60,
    port: 8090,
  });
  assert.equal(parseSimulateFlags(['--metrics-limits', 'none', '--time-scale', '1.5']), {
    metricsLimits: 'none',
    timeScale: 1.5,
    port: 8090,
  });
});

test('bad --metrics-limits and --time-scale are named', () => {
  try {
    parseSimulateFlags(['--metrics-limits=2024', '--time-scale=0.5']);
    assert.unreachable('should throw');
  } catch (err) {
    assert.ok(isAppError(err, 'USAGE'));
    assert.is(
      err.message,
      'simulate: --metrics-limits must be one of none, 2025, 2026 (got "2024"); ' +
        '--time-scale must be a number from 1 to 3600 (got "0.5")',
    );
  }
});

test('an unknown flag is a USAGE error', () => {
  try {
    parseSimulateFlags(['--colour=red']);
    assert.unreachable('should throw');
  } catch (err) {
    assert.ok(isAppError(err, 'USAGE'));
  }
});

test.run();
