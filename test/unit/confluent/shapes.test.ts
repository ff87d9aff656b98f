import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectorMapToRecords } from '../../../src/confluent/records.js';
import {
  connectorMapShape,
  kafkaClusterListShape,
  kafkaPointListShape,
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

test('a kafka cluster may leave out spec.config, kind and cku; present, they have their documented types', () => {
  const cluster = (config: unknown) => ({ data: [{ id: 'lkc-1', spec: { config } }] });
  const cases: [string, unknown, string][] = [
    ['no spec', { data: [{ id: 'lkc-1' }] }, 'ok'],
    ['no config', { data: [{ id: 'lkc-1', spec: {} }] }, 'ok'],
    ['dedicated, unknown fields kept', cluster({ kind: 'Dedicated', cku: 2, zones: ['a'] }), 'ok'],
    ['a kind we do not know', cluster({ kind: 'Freight' }), 'ok'],
    ['config not an object', cluster('Basic'), 'data[0].spec.config: expected object, received string'],
    [
      'kind of the wrong type',
      cluster({ kind: 1 }),
      'data[0].spec.config.kind: expected string, received number',
    ],
    [
      'cku as text',
      cluster({ kind: 'Dedicated', cku: '2' }),
      'data[0].spec.config.cku: expected number, received string',
    ],
    [
      'cku not whole',
      cluster({ kind: 'Dedicated', cku: 1.5 }),
      'data[0].spec.config.cku: expected int, received number',
    ],
  ];
  for (const [name, data, want] of cases) assert.is(problemOf(kafkaClusterListShape, data), want, name);
});

test('a partition-count page: FLAT points with a kafka id and a number, paged by meta.pagination', () => {
  const point = (p: Record<string, unknown>) => ({ data: [{ timestamp: '2026-01-01T00:00:00Z', ...p }] });
  const cases: [string, unknown, string][] = [
    [
      'valid, unknown fields kept',
      { ...point({ 'resource.kafka.id': 'lkc-1', value: 12, x: 1 }), meta: {} },
      'ok',
    ],
    ['no points, no meta', { data: [] }, 'ok'],
    [
      'last page: null token',
      { data: [], meta: { pagination: { page_size: 1000, next_page_token: null } } },
      'ok',
    ],
    ['no kafka id', point({ value: 3 }), 'data[0]["resource.kafka.id"]: is missing'],
    [
      'empty kafka id',
      point({ 'resource.kafka.id': '', value: 3 }),
      'data[0]["resource.kafka.id"]: is empty',
    ],
    ['no value', point({ 'resource.kafka.id': 'lkc-1' }), 'data[0].value: is missing'],
    [
      'value as text',
      point({ 'resource.kafka.id': 'lkc-1', value: '3' }),
      'data[0].value: expected number, received string',
    ],
    [
      'negative value',
      point({ 'resource.kafka.id': 'lkc-1', value: -1 }),
      'data[0].value: too small: expected number to be >=0',
    ],
    [
      'the GROUPED format',
      { data: [{ 'resource.kafka.id': 'lkc-1', points: [{ timestamp: 't', value: 1 }] }] },
      'data[0].value: is missing',
    ],
    [
      'token of the wrong type',
      { data: [], meta: { pagination: { next_page_token: 7 } } },
      'meta.pagination.next_page_token: expected string, received number',
    ],
    ['no data', { meta: {} }, 'data: is missing'],
  ];
  for (const [name, data, want] of cases) assert.is(problemOf(kafkaPointListShape, data), want, name);
});

test('parseShape quotes connector names that are not identifiers', () => {
  assert.is(
    problemOf(connectorMapShape, { 'orders-sink': { id: { id: 7, id_type: 'ID' } } }),
    '["orders-sink"].id.id: expected string, received number',
  );
  assert.is(problemOf(connectorMapShape, ['a', 'b']), '(body): expected record, received array');
});

test('what may be absent may be null; a connector may come without id (discovery leaves it out)', () => {
  const cases: [string, Parameters<typeof parseShape>[0], unknown][] = [
    [
      'spec.cloud null',
      kafkaClusterListShape,
      { data: [{ id: 'lkc-1', spec: { cloud: null, region: null } }] },
    ],
    ['spec null', kafkaClusterListShape, { data: [{ id: 'lkc-1', spec: null }] }],
    [
      'config and cku null',
      kafkaClusterListShape,
      { data: [{ id: 'lkc-1', spec: { config: { cku: null } } }] },
    ],
    ['connector without id', connectorMapShape, { a: { info: { name: 'a' } } }],
    ['connector id without id', connectorMapShape, { a: { id: { id_type: 'NAME' } } }],
    ['connector config null, a null value', connectorMapShape, { a: { info: { config: { x: null } } } }],
    ['connector info null', connectorMapShape, { a: { id: null, info: null, status: null } }],
  ];
  for (const [name, shape, data] of cases) assert.is(problemOf(shape, data), 'ok', name);
  assert.equal(connectorMapToRecords(parseShape(connectorMapShape, { a: { id: null, info: null } })), [
    { name: 'a' },
  ]);
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
    ['connect, flat', { error_code: 404, message: 'Connector lcc-1 not found' }, 'Connector lcc-1 not found'],
    ['errors with only detail', { errors: [{ detail: 'Forbidden Access' }] }, 'Forbidden Access'],
    ['a bare message', { message: 'Bad Gateway' }, 'Bad Gateway'],
    ['an error string', { error: 'rate limited' }, 'rate limited'],
    ['long connect message', { error_code: 500, message: 'y'.repeat(300) }, `${'y'.repeat(200)}…`],
    ['an unknown shape', { oops: true }, undefined],
    ['text', 'upstream\n  connect error', 'upstream connect error'],
    ['empty errors', { errors: [] }, undefined],
    ['nothing', undefined, undefined],
    ['long text', 'x'.repeat(300), `${'x'.repeat(200)}…`],
  ];
  for (const [name, body, want] of cases) assert.is(describeErrorBody(body), want, name);
});

test('describeErrorBody redacts before it cuts, so no part of a secret survives the cut', () => {
  const secret = 'S'.repeat(40);
  const redact = (text: string) => text.replaceAll(secret, '[redacted]');
  const body = { error_code: 401, message: `${'x'.repeat(190)}${secret} echoed` };
  assert.is(describeErrorBody(body, redact), `${'x'.repeat(190)}[redacted]…`);
  assert.is(describeErrorBody(`key ${secret}`, redact), 'key [redacted]');
});

test.run();
