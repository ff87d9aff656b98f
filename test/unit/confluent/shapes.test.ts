import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectorMapToRecords } from '../../../src/confluent/records.js';
import {
  connectorMapShape,
  kafkaClusterListShape,
  parseShape,
  ShapeError,
} from '../../../src/confluent/shapes.js';
import { describeErrorBody } from '../../../src/confluent/upstream-error.js';

function problemOf(shape: Parameters<typeof parseShape>[0], data: unknown): string {
  try {
    parseShape(shape, data);
    return 'ok';
  } catch (err) {
    assert.instance(err, ShapeError);
    return (err as ShapeError).message;
  }
}

test('parseShape names the first wrong field', () => {
  const cases: [string, unknown, string][] = [
    ['valid, unknown fields kept', { data: [{ id: 'lkc-1', extra: 1 }], metadata: { next: null } }, 'ok'],
    ['no metadata at all', { data: [] }, 'ok'],
    ['data not an array', { data: {} }, 'data: expected array, received object'],
    ['item without id', { data: [{ id: 'lkc-1' }, { spec: {} }] }, 'data[1].id: is missing'],
    ['empty id', { data: [{ id: '' }] }, 'data[0].id: is empty'],
    [
      'cloud of the wrong type',
      { data: [{ id: 'lkc-1', spec: { cloud: 3 } }] },
      'data[0].spec.cloud: expected string, received number',
    ],
    [
      'environment ref without id',
      { data: [{ id: 'lkc-1', spec: { environment: {} } }] },
      'data[0].spec.environment.id: is missing',
    ],
    [
      'next of the wrong type',
      { data: [], metadata: { next: 5 } },
      'metadata.next: expected string, received number',
    ],
    ['not an object', 'oops', '(body): expected object, received string'],
  ];
  for (const [name, data, want] of cases) assert.is(problemOf(kafkaClusterListShape, data), want, name);
});

test('parseShape quotes connector names that are not identifiers', () => {
  assert.is(
    problemOf(connectorMapShape, { 'orders-sink': { id: { id_type: 'ID' } } }),
    '["orders-sink"].id.id: is missing',
  );
  assert.is(problemOf(connectorMapShape, ['a', 'b']), '(body): expected record, received array');
});

test('connectorMapToRecords sorts by name and keeps id, info and status', () => {
  const map = parseShape(connectorMapShape, {
    'pg-cdc-source': {
      id: { id: 'lcc-2', id_type: 'ID' },
      info: { name: 'pg-cdc-source', config: { 'cloud.provider': 'aws' } },
    },
    'B-sink': {
      id: { id: 'lcc-3', id_type: 'ID' },
      status: { connector: { state: 'RUNNING' } },
      extensions: {},
    },
    'orders-s3-sink': { id: { id: 'lcc-1', id_type: 'ID' } },
  });
  assert.equal(connectorMapToRecords(map), [
    { name: 'B-sink', id: { id: 'lcc-3', id_type: 'ID' }, status: { connector: { state: 'RUNNING' } } },
    { name: 'orders-s3-sink', id: { id: 'lcc-1', id_type: 'ID' } },
    {
      name: 'pg-cdc-source',
      id: { id: 'lcc-2', id_type: 'ID' },
      info: { name: 'pg-cdc-source', config: { 'cloud.provider': 'aws' } },
    },
  ]);
});

test('describeErrorBody reads both error formats and bounds text', () => {
  const cases: [string, unknown, string | undefined][] = [
    [
      'standard',
      { errors: [{ status: '404', code: 'resource_not_found', detail: 'Resource Not Found' }] },
      'resource_not_found: Resource Not Found',
    ],
    [
      'title only',
      { errors: [{ status: '401', title: 'Authentication Required' }] },
      'Authentication Required',
    ],
    ['connect', { error: { code: 404, message: 'account not found' } }, 'account not found'],
    ['text', 'upstream\n  connect error', 'upstream connect error'],
    ['empty errors', { errors: [] }, undefined],
    ['nothing', undefined, undefined],
    ['long text', 'x'.repeat(300), `${'x'.repeat(200)}…`],
  ];
  for (const [name, body, want] of cases) assert.is(describeErrorBody(body), want, name);
});

test.run();
