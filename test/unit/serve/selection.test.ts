/** The `/discovery` selection: which queries parse to which normalised selection, and which are refused, why. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ID_PREFIXES } from '../../../src/discovery/ids.js';
import { RESOURCE_TYPES } from '../../../src/discovery/resource.js';
import { HttpError } from '../../../src/serve/errors.js';
import {
  parseSelection,
  SELECTABLE_TYPES,
  SELECTION_ID_PREFIXES,
  type Selection,
} from '../../../src/serve/selection.js';

const T = { targets: 'api.telemetry.confluent.cloud', prefix: 'confluent_' };

test('the types and id prefixes are the discovery layer’s own', () => {
  assert.equal([...SELECTABLE_TYPES].sort(), [...RESOURCE_TYPES].sort());
  assert.equal(SELECTION_ID_PREFIXES, {
    env: ID_PREFIXES.environment,
    associated_kafka_id: ID_PREFIXES.kafka,
  });
});

const PARSED: [string, Record<string, unknown>, Selection | undefined][] = [
  ['no selection: the whole document', { ...T }, undefined],
  ['targets alone', { targets: T.targets }, undefined],
  [
    'one environment',
    { ...T, env: 'env-a1b2c3' },
    { filters: { env: ['env-a1b2c3'] }, key: 'env=env-a1b2c3' },
  ],
  [
    "Confluent's example query",
    { ...T, env: 'env-123', resource_type: 'connector' },
    {
      filters: { env: ['env-123'], resource_type: ['connector'] },
      key: 'env=env-123&resource_type=connector',
    },
  ],
  [
    'comma lists are sorted, deduplicated and trimmed; the key orders the parameters',
    { resource_type: 'kafka, connector,kafka', associated_kafka_id: 'lkc-2', env: 'env-b,env-a', ...T },
    {
      filters: {
        associated_kafka_id: ['lkc-2'],
        env: ['env-a', 'env-b'],
        resource_type: ['connector', 'kafka'],
      },
      key: 'associated_kafka_id=lkc-2&env=env-a,env-b&resource_type=connector,kafka',
    },
  ],
  [
    'a custom connector is a type',
    { ...T, resource_type: 'custom_connector' },
    { filters: { resource_type: ['custom_connector'] }, key: 'resource_type=custom_connector' },
  ],
];

for (const [name, query, want] of PARSED) {
  test(`parses: ${name}`, () => {
    assert.equal(parseSelection(query), want);
  });
}

const REFUSED: [string, Record<string, unknown>, string][] = [
  [
    'an unknown parameter',
    { ...T, environment: 'env-1' },
    'unknown parameter "environment"; /discovery takes targets, prefix, env, associated_kafka_id, resource_type',
  ],
  [
    'the export parameter is not a selection',
    { ...T, resource_kafka_id: 'lkc-1' },
    'unknown parameter "resource_kafka_id"',
  ],
  [
    'an unknown type, with the supported ones',
    { ...T, resource_type: 'abc' },
    'unknown resource_type "abc"; supported: kafka, schema_registry, ksql, compute_pool, connector, custom_connector',
  ],
  ['a type in the wrong case', { ...T, resource_type: 'Kafka' }, 'unknown resource_type "Kafka"'],
  ['a repeated env (Confluent refuses it too)', { ...T, env: ['env-1', 'env-2'] }, 'env must be given once'],
  ['an empty env', { ...T, env: '' }, 'env has an empty value'],
  ['an empty entry in a list', { ...T, env: 'env-1,,env-2' }, 'env has an empty value'],
  [
    'an env id without its prefix',
    { ...T, env: 'lkc-1' },
    'env "lkc-1" is not an id: it must start with "env-"',
  ],
  ['the prefix alone', { ...T, env: 'env-' }, 'must start with "env-"'],
  ['a Kafka id without its prefix', { ...T, associated_kafka_id: 'env-1' }, 'must start with "lkc-"'],
  [
    'white space inside an id',
    { ...T, env: 'env-1 2' },
    'is not an id (up to 255 characters, no white space)',
  ],
  ['a control character', { ...T, env: 'env-1\u0000' }, 'is not an id'],
  ['an id over 255 characters', { ...T, env: `env-${'a'.repeat(252)}` }, 'is not an id'],
  ['a value over 4096 characters', { ...T, env: 'env-1,'.repeat(700) }, 'env is longer than 4096 characters'],
];

for (const [name, query, message] of REFUSED) {
  test(`refuses: ${name}`, () => {
    try {
      parseSelection(query);
      assert.unreachable('parsed');
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      assert.is(err.error, 'invalid_selection');
      assert.is(err.status, 400);
      assert.ok(err.message.includes(message), err.message);
    }
  });
}

test('a long unknown value is cut in the message', () => {
  try {
    parseSelection({ ...T, resource_type: 'x'.repeat(500) });
    assert.unreachable('parsed');
  } catch (err) {
    assert.instance(err, HttpError);
    assert.ok((err as Error).message.length < 300, (err as Error).message);
  }
});

test.run();
