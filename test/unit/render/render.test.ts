import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Inventory } from '../../../src/discovery/resource.js';
import { type RenderOptions, renderAll, renderDocument } from '../../../src/render/render.js';
import { checkSdDocument } from '../../../src/render/validate.js';
import { assertGolden } from '../../helpers/golden.js';
import { buildRenderInventory, RENDER_VARIANTS, TELEMETRY } from '../../helpers/render-inventory.js';

const BY_RESOURCE: RenderOptions = { paramStyle: 'underscore', groupBy: 'resource', batchSize: 50 };
const ONE = { targets: [TELEMETRY], prefix: 'confluent_' };

for (const v of RENDER_VARIANTS) {
  test(`golden ${v.golden}`, () => {
    const doc = renderDocument(buildRenderInventory(), v.combination, v.options);
    assertGolden(`render/${v.golden}`, doc.body);
  });

  test(`Prometheus's rules accept ${v.golden}`, () => {
    const doc = renderDocument(buildRenderInventory(), v.combination, v.options);
    const legacy = v.options.paramStyle === 'underscore';
    assert.equal(checkSdDocument(doc.body, { legacyLabelNames: legacy }), []);
    // dotted names are only valid for Prometheus 3 (UTF-8 names)
    if (!legacy) assert.ok(checkSdDocument(doc.body, { legacyLabelNames: true }).length > 0);
  });
}

test('same inventory in any order gives byte-identical documents', () => {
  for (const v of RENDER_VARIANTS) {
    const inventory = buildRenderInventory();
    const shuffled: Inventory = { ...inventory, resources: [...inventory.resources].reverse() };
    assert.is(
      renderDocument(shuffled, v.combination, v.options).body,
      renderDocument(inventory, v.combination, v.options).body,
    );
  }
});

test('an empty organisation renders [] in both groupings', () => {
  const empty: Inventory = { environments: [], resources: [], exportedTypes: ['kafka'] };
  for (const groupBy of ['resource', 'environment'] as const) {
    const doc = renderDocument(empty, ONE, { ...BY_RESOURCE, groupBy });
    assert.equal(doc, {
      name: 'confluent--api.telemetry.confluent.cloud',
      combination: ONE,
      body: '[]\n',
      groups: 0,
      warnings: [],
      info: {
        body: '# HELP confluent_resource_info Labels of a Confluent Cloud resource (from confluent-sd), to join on its id label.\n# TYPE confluent_resource_info gauge\n',
        series: 0,
      },
    });
  }
});

test('one group per resource, with the counts and the warnings of the missing fields', () => {
  const doc = renderDocument(buildRenderInventory(), ONE, BY_RESOURCE);
  assert.is(doc.groups, 8);
  assert.is(JSON.parse(doc.body).length, 8);
  assert.equal(doc.warnings, [
    { resourceId: 'lkc-0a1b2c', type: 'kafka', missing: ['confluent_cluster_name', 'confluent_region'] },
    // a Schema Registry has a name label since compute pools and registries carry theirs; this one has none
    { resourceId: 'lsrc-4r5t6y', type: 'schema_registry', missing: ['confluent_name'] },
  ]);
  assert.ok(doc.body.endsWith('}\n]\n'));
});

test('every type that has a name carries it, under the seed names (cluster_name, name, connector_name)', () => {
  const named = (type: string, name: string) => ({
    type,
    id:
      { kafka: 'lkc-1', schema_registry: 'lsrc-1', ksql: 'lksqlc-1', compute_pool: 'lfcp-1' }[type] ??
      `x-${type}`,
    name,
    environmentId: 'env-1',
  });
  const inventory = {
    environments: [],
    exportedTypes: [],
    resources: [
      named('kafka', 'orders'),
      named('schema_registry', 'Stream Governance Package'),
      named('ksql', 'enrich'),
      named('compute_pool', 'fraud-pool'),
      { ...named('connector', 'orders-s3-sink'), id: 'lcc-1' },
      { ...named('custom_connector', 'my-plugin'), id: 'clcc-1' },
    ],
  } as Inventory;
  const doc = renderDocument(inventory, { targets: [TELEMETRY], prefix: '' }, BY_RESOURCE);
  const groups = JSON.parse(doc.body) as { labels: Record<string, string> }[];
  const names = groups.map((g) => {
    const l = g.labels;
    return [l.resource_type, l.cluster_name ?? l.name ?? l.connector_name];
  });
  assert.equal(names, [
    ['kafka', 'orders'],
    ['schema_registry', 'Stream Governance Package'],
    ['ksql', 'enrich'],
    ['compute_pool', 'fraud-pool'],
    ['connector', 'orders-s3-sink'],
    ['custom_connector', 'my-plugin'],
  ]);
  const pool = groups.find((g) => g.labels.resource_type === 'compute_pool')?.labels;
  assert.is(pool?.name, 'fraud-pool');
  assert.match(doc.info.body, /compute_pool_id="lfcp-1",environment_id="env-1",name="fraud-pool"/);
});

test('a ksqlDB cluster’s Kafka cluster is in its info series (cluster_id), not in its target group', () => {
  const doc = renderDocument(
    buildRenderInventory(),
    { targets: [TELEMETRY], prefix: 'confluent_' },
    BY_RESOURCE,
  );
  const groups = JSON.parse(doc.body) as { labels: Record<string, string> }[];
  const ksql = groups.find((g) => g.labels.confluent_resource_type === 'ksql')?.labels;
  assert.ok(ksql);
  assert.is(
    ksql.confluent_cluster_id,
    undefined,
    'DESIGN §2: ksql carries cloud_provider, environment_name, name',
  );
  const series = doc.info.body.split('\n').find((l) => l.includes('ksql_id="lksqlc-2w3e4r"'));
  assert.match(series ?? '', /confluent_cluster_id="lkc-7x9k2m"/);
  // a connector has it in both, as before
  const connector = groups.find((g) => g.labels.confluent_resource_type === 'connector')?.labels;
  assert.is(connector?.confluent_cluster_id, 'lkc-7x9k2m');
});

test('unusual names come through as exact label values', () => {
  const doc = renderDocument(buildRenderInventory(), { targets: [TELEMETRY], prefix: '' }, BY_RESOURCE);
  const groups = JSON.parse(doc.body) as { labels: Record<string, string> }[];
  const byId = new Map(groups.map((g) => [g.labels.resource_id, g.labels]));
  assert.is(byId.get('lcc-9q8w7e')?.connector_name, 'orders "sink"\nto s3');
  assert.is(byId.get('lkc-5t6y7u')?.cluster_name, 'événements 🚀');
  assert.is(byId.get('lkc-5t6y7u')?.environment_name, 'staging "blue" ünïcødé 環境');
  assert.is(byId.get('lksqlc-2w3e4r')?.name, "it's ksql");
  // a literal newline never reaches the body: one group per line stays true
  assert.is(doc.body.split('\n').length, groups.length + 3);
});

test('label rules per type: seed labels, extras, cloud lower case, connector cluster id', () => {
  const doc = renderDocument(buildRenderInventory(), { targets: [TELEMETRY], prefix: '' }, BY_RESOURCE);
  const groups = JSON.parse(doc.body) as { labels: Record<string, string>; targets: string[] }[];
  const connector = groups.find((g) => g.labels.resource_type === 'connector');
  assert.equal(connector, {
    labels: {
      __metrics_path__: '/v2/metrics/cloud/export',
      __param_resource_connector_id: 'lcc-9q8w7e',
      cloud_provider: 'aws',
      cluster_id: 'lkc-7x9k2m',
      connector_name: 'orders "sink"\nto s3',
      environment_id: 'env-a1b2c3',
      environment_name: 'production',
      instance: 'lcc-9q8w7e',
      region: 'us-east-1',
      resource_id: 'lcc-9q8w7e',
      resource_type: 'connector',
    },
    targets: [TELEMETRY],
  });
  // the last group of each type: the first kafka cluster is the one without region and cluster name
  const names = (type: string) =>
    Object.keys(groups.findLast((g) => g.labels.resource_type === type)?.labels ?? {}).filter(
      (n) => !n.startsWith('__'),
    );
  const extras = ['environment_id', 'environment_name', 'instance', 'region', 'resource_id', 'resource_type'];
  assert.equal(names('kafka'), ['cloud_provider', 'cluster_name', ...extras]);
  assert.equal(names('schema_registry'), ['cloud_provider', ...extras]);
  assert.equal(names('ksql'), [
    'cloud_provider',
    'environment_id',
    'environment_name',
    'instance',
    'name',
    'region',
    'resource_id',
    'resource_type',
  ]);
  // the compute pool has a name (a label since names of every type are published), the registry none
  assert.equal(names('compute_pool'), [
    'cloud_provider',
    'environment_id',
    'environment_name',
    'instance',
    'name',
    'region',
    'resource_id',
    'resource_type',
  ]);
});

test('environment name falls back to the inventory environments; metrics path is an option', () => {
  const inventory: Inventory = {
    environments: [{ id: 'env-1', name: 'prod' }],
    resources: [{ type: 'schema_registry', id: 'lsrc-1', environmentId: 'env-1', cloud: 'GCP', region: 'r' }],
    exportedTypes: [],
  };
  const doc = renderDocument(
    inventory,
    { targets: ['localhost:9000'], prefix: '' },
    { ...BY_RESOURCE, metricsPath: '/export' },
  );
  assert.is(
    doc.body,
    '[\n{"labels":{"__metrics_path__":"/export","__param_resource_schema_registry_id":"lsrc-1","cloud_provider":"gcp",' +
      '"environment_id":"env-1","environment_name":"prod","instance":"lsrc-1","region":"r","resource_id":"lsrc-1",' +
      '"resource_type":"schema_registry"},"targets":["localhost:9000"]}\n]\n',
  );
  assert.equal(doc.warnings, [{ resourceId: 'lsrc-1', type: 'schema_registry', missing: ['name'] }]);
});

test('grouping by environment: batches of at most batchSize sorted ids, warnings for a missing environment name', () => {
  const inventory: Inventory = {
    environments: [],
    resources: ['lkc-3', 'lkc-1', 'lkc-2'].map((id) => ({ type: 'kafka', id, environmentId: 'env-1' })),
    exportedTypes: [],
  };
  const doc = renderDocument(
    inventory,
    { targets: [TELEMETRY], prefix: 'p_' },
    { ...BY_RESOURCE, groupBy: 'environment', batchSize: 2 },
  );
  assert.equal(JSON.parse(doc.body), [
    {
      labels: {
        __metrics_path__: '/v2/metrics/cloud/export',
        __param_resource_kafka_id: 'lkc-1,lkc-2',
        instance: 'env-1/kafka/1',
        p_environment_id: 'env-1',
        p_resource_type: 'kafka',
      },
      targets: [TELEMETRY],
    },
    {
      labels: {
        __metrics_path__: '/v2/metrics/cloud/export',
        __param_resource_kafka_id: 'lkc-3',
        instance: 'env-1/kafka/2',
        p_environment_id: 'env-1',
        p_resource_type: 'kafka',
      },
      targets: [TELEMETRY],
    },
  ]);
  assert.equal(
    doc.warnings,
    ['lkc-1', 'lkc-2', 'lkc-3'].map((resourceId) => ({
      resourceId,
      type: 'kafka',
      missing: ['p_environment_name'],
    })),
  );
});

test('renderAll: sorted by document name, the inventory shared by every combination', () => {
  const combinations = [
    { targets: [TELEMETRY], prefix: 'confluent_' },
    { targets: [TELEMETRY], prefix: '' },
    { targets: ['b.example:9090'], prefix: 'a_' },
  ];
  const docs = renderAll(buildRenderInventory(), combinations, BY_RESOURCE);
  assert.equal(
    docs.map((d) => [d.name, d.groups]),
    [
      ['a--b.example-9090', 8],
      ['confluent--api.telemetry.confluent.cloud', 8],
      ['noprefix--api.telemetry.confluent.cloud', 8],
    ],
  );
  for (const d of docs)
    assert.is(d.body, renderDocument(buildRenderInventory(), d.combination, BY_RESOURCE).body);
});

test.run();
