import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ConnectorRecord } from '../../../src/confluent/records.js';
import { connectorTypeOf, identifyConnector, idProblem } from '../../../src/discovery/ids.js';

test('idProblem: the documented prefix, no separator, no whitespace', () => {
  const cases: [Parameters<typeof idProblem>[0], string | undefined, string | undefined][] = [
    ['environment', 'env-a1b2c3', undefined],
    ['kafka', 'lkc-7x9k2m', undefined],
    ['schema_registry', 'lsrc-4r5t6y', undefined],
    ['ksql', 'lksqlc-2w3e4r', undefined],
    ['compute_pool', 'lfcp-1q2w3e', undefined],
    ['connector', 'lcc-9q8w7e', undefined],
    ['custom_connector', 'clcc-gkzo3r', undefined],
    ['kafka', undefined, 'has no id'],
    ['kafka', '', 'has no id'],
    ['kafka', 'lkc-a,lkc-b', 'id "lkc-a,lkc-b" has a separator (",")'],
    ['kafka', 'lkc-a lkc-b', 'id "lkc-a lkc-b" has whitespace'],
    ['connector', 'lcc-1\n', 'id "lcc-1\\n" has whitespace'],
    ['connector', 'lcc-1\u0000', 'id "lcc-1\\u0000" has a control character'],
    ['kafka', 'lsrc-1', 'id "lsrc-1" does not start with "lkc-"'],
    ['kafka', 'lkc-', 'id "lkc-" does not start with "lkc-"'],
    ['connector', 'clcc-1', 'id "clcc-1" does not start with "lcc-"'],
    ['custom_connector', 'lcc-1', 'id "lcc-1" does not start with "clcc-"'],
    ['connector', 'orders-sink', 'id "orders-sink" does not start with "lcc-"'],
    ['kafka', `lkc-${'x'.repeat(252)}`, `id "lkc-${'x'.repeat(35)}… is longer than 255 characters`],
  ];
  for (const [kind, id, want] of cases) assert.is(idProblem(kind, id), want, `${kind} ${String(id)}`);
});

test('identifyConnector: an entry without id or with id_type NAME has no usable id', () => {
  const cases: [string, ConnectorRecord, unknown][] = [
    ['id', { name: 'a', id: { id: 'lcc-1', id_type: 'ID' } }, 'lcc-1'],
    ['no id_type', { name: 'a', id: { id: 'lcc-1' } }, 'lcc-1'],
    ['no id', { name: 'a' }, { problem: 'has no id' }],
    ['empty id', { name: 'a', id: { id: '', id_type: 'ID' } }, { problem: 'has no id' }],
    [
      'id_type NAME',
      { name: 'a', id: { id: 'a', id_type: 'NAME' } },
      { problem: 'id_type is "NAME", not "ID" (the Metrics API takes ids only)' },
    ],
  ];
  for (const [name, c, want] of cases) {
    const got = identifyConnector(c);
    assert.equal('connector' in got ? got.connector.id.id : got, want, name);
  }
});

test('connectorTypeOf: CUSTOM in the config or a clcc- id is a custom connector', () => {
  const cases: [string, ConnectorRecord, string][] = [
    [
      'managed',
      { name: 'a', id: { id: 'lcc-1' }, info: { config: { 'connector.class': 'S3_SINK' } } },
      'connector',
    ],
    [
      'custom by its config',
      { name: 'a', id: { id: 'clcc-1' }, info: { config: { 'confluent.connector.type': 'CUSTOM' } } },
      'custom_connector',
    ],
    [
      'custom, lower case',
      { name: 'a', id: { id: 'clcc-1' }, info: { config: { 'confluent.connector.type': 'custom' } } },
      'custom_connector',
    ],
    ['custom by its id, no config', { name: 'a', id: { id: 'clcc-1' } }, 'custom_connector'],
    [
      'MANAGED marker',
      { name: 'a', id: { id: 'lcc-1' }, info: { config: { 'confluent.connector.type': 'MANAGED' } } },
      'connector',
    ],
    ['no id', { name: 'a' }, 'connector'],
  ];
  for (const [name, c, want] of cases) assert.is(connectorTypeOf(c), want, name);
});

test.run();
