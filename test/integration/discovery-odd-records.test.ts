/**
 * What the specs allow to be missing or odd, against a scripted loopback organisation: a connector entry without
 * `id`, one whose `id_type` is `NAME`, ids with a separator, whitespace or another type's prefix, and `null` where
 * a string may be absent. Discovery succeeds, leaves out (with one warning naming it) every record that cannot be
 * scraped, and leaves out an unknown label as for an absent field.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { discoverInventory } from '../../src/discovery/discover.js';
import { listPage, type ScriptedReply, startScriptedServer } from '../helpers/scripted-server.js';
import { createTestClient } from '../helpers/test-client.js';

const descriptors = {
  data: ['kafka', 'schema_registry', 'ksql', 'compute_pool', 'connector'].map((type) => ({ type })),
  meta: { pagination: { page_size: 100 } },
};

function reply(path: string): ScriptedReply {
  switch (path) {
    case '/v2/metrics/cloud/descriptors/resources':
      return { body: descriptors };
    case '/org/v2/environments':
      return {
        body: listPage([
          { id: 'env-1', display_name: null },
          { id: 'env 2', display_name: 'spaced' },
        ]),
      };
    case '/cmk/v2/clusters':
      return {
        body: listPage([
          { id: 'lkc-1', spec: { display_name: 'orders', cloud: null, region: null, config: null } },
          { id: 'lkc-a,lkc-b', spec: { display_name: 'two in one' } },
        ]),
      };
    case '/srcm/v3/clusters':
      return { body: listPage([{ id: 'lsrc-1', spec: null }]) };
    case '/ksqldbcm/v2/clusters':
      return { body: listPage([{ id: 'lksqlc-1', spec: { display_name: null, kafka_cluster: null } }]) };
    case '/fcpm/v2/compute-pools':
      return { body: listPage([{ id: 'lkc-9', spec: { display_name: 'a pool with a kafka id' } }]) };
    case '/connect/v1/environments/env-1/clusters/lkc-1/connectors':
      return {
        body: {
          'no-id': { info: { name: 'no-id', config: {} } },
          'by-name': { id: { id: 'by-name', id_type: 'NAME' }, info: { name: 'by-name' } },
          'good-sink': { id: { id: 'lcc-1', id_type: 'ID' }, info: { name: 'good-sink', config: null } },
          'spaced-sink': { id: { id: 'lcc-2 ', id_type: 'ID' } },
        },
      };
    case '/v2/metrics/cloud/query':
      return { status: 403, body: { errors: [{ status: '403', detail: 'Forbidden' }] } };
    default:
      return { status: 404, body: { errors: [{ status: '404', detail: `no ${path}` }] } };
  }
}

test('records that cannot be scraped are left out with a warning each; nulls are absent labels', async () => {
  const server = await startScriptedServer((req) => reply(req.path));
  try {
    const { client, captured } = createTestClient(server.url, { retries: 0 });
    const inventory = await discoverInventory({ client, log: captured.log });
    assert.equal(
      inventory.resources.map((r) => [r.type, r.id, r.name ?? null, r.cloud ?? null]),
      [
        ['kafka', 'lkc-1', 'orders', null],
        ['schema_registry', 'lsrc-1', null, null],
        ['ksql', 'lksqlc-1', null, null],
        ['connector', 'lcc-1', 'good-sink', null],
      ],
    );
    assert.equal(inventory.environments, [{ id: 'env-1' }]);
    const invalid = [
      { type: 'environment', id: 'env 2', name: 'spaced', problem: 'id "env 2" has whitespace' },
      {
        type: 'kafka',
        id: 'lkc-a,lkc-b',
        name: 'two in one',
        environmentId: 'env-1',
        problem: 'id "lkc-a,lkc-b" has a separator (",")',
      },
      {
        type: 'compute_pool',
        id: 'lkc-9',
        name: 'a pool with a kafka id',
        environmentId: 'env-1',
        problem: 'id "lkc-9" does not start with "lfcp-"',
      },
      {
        type: 'connector',
        id: 'by-name',
        name: 'by-name',
        environmentId: 'env-1',
        kafkaClusterId: 'lkc-1',
        problem: 'id_type is "NAME", not "ID" (the Metrics API takes ids only)',
      },
      {
        type: 'connector',
        name: 'no-id',
        environmentId: 'env-1',
        kafkaClusterId: 'lkc-1',
        problem: 'has no id',
      },
      {
        type: 'connector',
        id: 'lcc-2 ',
        name: 'spaced-sink',
        environmentId: 'env-1',
        kafkaClusterId: 'lkc-1',
        problem: 'id "lcc-2 " has whitespace',
      },
    ];
    assert.equal(inventory.report?.invalid, invalid);
    const warnings = captured.entries().filter((e) => e.msg === 'record cannot be scraped, left out');
    const seen = (w: Record<string, unknown>) => JSON.stringify([w.level, w.type, w.id ?? null, w.problem]);
    assert.equal(
      warnings.map(seen).sort(),
      invalid.map((i) => seen({ ...i, level: 'warn' })).sort(),
      'one warning per record left out',
    );
    // the cluster with a comma in its id has no connector listing
    assert.equal(
      server.requests.filter((r) => r.path.startsWith('/connect/')).map((r) => r.path),
      ['/connect/v1/environments/env-1/clusters/lkc-1/connectors'],
    );
    assert.not.ok(server.requests.some((r) => r.query.environment?.[0] === 'env 2'));
  } finally {
    await server.close();
  }
});

test.run();
