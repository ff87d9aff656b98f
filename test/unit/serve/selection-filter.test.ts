/**
 * A selection applied to real rendered documents (the render test inventory: every type, two environments), under
 * every grouping. The oracle for groups of one resource and environment groups is the renderer itself, run on the
 * selected resources only; for packed plan groups it is the set of ids the groups still name.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Inventory, Resource } from '../../../src/discovery/resource.js';
import { paramLabelType } from '../../../src/render/labels.js';
import { type RenderOptions, renderDocument } from '../../../src/render/render.js';
import { parseSelection } from '../../../src/serve/selection.js';
import { infoToAttributes, renderSelection } from '../../../src/serve/selection-filter.js';
import { buildRenderInventory, DEFAULT_PLAN, TELEMETRY } from '../../helpers/render-inventory.js';

const PREFIX = 'confluent_';
const COMBINATION = { targets: [TELEMETRY], prefix: PREFIX };
const BY_RESOURCE: RenderOptions = { paramStyle: 'underscore', groupBy: 'resource', batchSize: 50 };
const BY_ENVIRONMENT: RenderOptions = { paramStyle: 'underscore', groupBy: 'environment', batchSize: 2 };
// a budget of 2 requests a minute: the 8 resources are packed into 2 groups that mix environments and types
const PACKED: RenderOptions = {
  paramStyle: 'underscore',
  groupBy: 'plan',
  batchSize: 50,
  plan: { ...DEFAULT_PLAN, requestsPerMinute: 2 },
};
const PROD = 'env-a1b2c3';
const STAGING = 'env-z9y8x7';

function render(options: RenderOptions, inventory: Inventory = buildRenderInventory()) {
  return renderDocument(inventory, COMBINATION, options);
}

function select(options: RenderOptions, query: Record<string, string>, withInfo = true): string {
  const doc = render(options);
  const attributes = withInfo ? infoToAttributes(doc.info.body, PREFIX) : new Map();
  return renderSelection(doc.body, attributes, PREFIX, parseSelection(query)!);
}

/**
 * What a selection should hold, from the inventory: `associated_kafka_id` is the cluster, its connectors (managed
 * and custom) and its ksqlDB clusters, not Schema Registry or compute pools (reference §7.3). A ksqlDB cluster's
 * Kafka cluster is only in the info document (its group does not carry it): without one it is not matched.
 */
function wanted(query: Record<string, string>, withInfo = true): (r: Resource) => boolean {
  const bound = withInfo ? ['connector', 'custom_connector', 'ksql'] : ['connector', 'custom_connector'];
  const split = (v: string | undefined) => v?.split(',');
  const env = split(query.env);
  const kafka = split(query.associated_kafka_id);
  const types = split(query.resource_type);
  return (r) =>
    (env === undefined || env.includes(r.environmentId)) &&
    (types === undefined || types.includes(r.type)) &&
    (kafka === undefined ||
      (r.type === 'kafka' && kafka.includes(r.id)) ||
      (bound.includes(r.type) && kafka.includes(r.kafkaClusterId ?? '')));
}

function renderedFrom(options: RenderOptions, keep: (r: Resource) => boolean): string {
  const inventory = buildRenderInventory();
  return render(options, { ...inventory, resources: inventory.resources.filter(keep) }).body;
}

/** type:id of every resource the groups of a document name in their scrape parameters. */
function idsOf(body: string): string[] {
  const groups = JSON.parse(body) as { labels: Record<string, string> }[];
  return groups
    .flatMap((g) =>
      Object.entries(g.labels).flatMap(([name, value]) => {
        const type = paramLabelType(name);
        return type === undefined ? [] : value.split(',').map((id) => `${type}:${id}`);
      }),
    )
    .sort();
}

function inventoryIds(keep: (r: Resource) => boolean): string[] {
  return buildRenderInventory()
    .resources.filter(keep)
    .map((r) => `${r.type}:${r.id}`)
    .sort();
}

const QUERIES: Record<string, string>[] = [
  { env: PROD },
  { env: STAGING },
  { env: `${STAGING},${PROD}` },
  { resource_type: 'kafka' },
  { resource_type: 'connector,schema_registry' },
  { env: PROD, resource_type: 'kafka' },
  { associated_kafka_id: 'lkc-7x9k2m' },
  { associated_kafka_id: 'lkc-5t6y7u,lkc-3d4f5g' },
  { env: STAGING, associated_kafka_id: 'lkc-7x9k2m' },
];

for (const query of QUERIES) {
  const name = new URLSearchParams(query).toString();
  test(`one group per resource, ${name}: the document of the selected resources, byte for byte`, () => {
    assert.fixture(select(BY_RESOURCE, query), renderedFrom(BY_RESOURCE, wanted(query)));
  });
  test(`one group per resource, ${name}: the same without the info document (the groups' own labels)`, () => {
    assert.fixture(select(BY_RESOURCE, query, false), renderedFrom(BY_RESOURCE, wanted(query, false)));
  });
  test(`packed plan groups, ${name}: exactly the selected ids`, () => {
    assert.equal(idsOf(select(PACKED, query)), inventoryIds(wanted(query)));
  });
  test(`environment groups, ${name}: exactly the selected ids`, () => {
    assert.equal(idsOf(select(BY_ENVIRONMENT, query)), inventoryIds(wanted(query)));
  });
}

test('environment groups asked for an environment and types: the renderer’s groups of those', () => {
  const queries: Record<string, string>[] = [
    { env: PROD },
    { env: STAGING, resource_type: 'kafka,compute_pool' },
  ];
  for (const query of queries) {
    assert.fixture(select(BY_ENVIRONMENT, query), renderedFrom(BY_ENVIRONMENT, wanted(query)));
  }
});

test('the packed groups really mix environments and types (else the packed cases prove little)', () => {
  const body = render(PACKED).body;
  const groups = JSON.parse(body) as { labels: Record<string, string> }[];
  assert.is(groups.length, 2);
  assert.ok(groups.every((g) => g.labels.instance?.startsWith('plan-')));
  assert.is(idsOf(body).length, buildRenderInventory().resources.length);
  assert.ok(select(PACKED, { env: PROD }) !== body && select(PACKED, { env: STAGING }) !== body);
});

test('a trimmed group keeps every label but the ids it no longer holds', () => {
  const whole = JSON.parse(render(PACKED).body) as { labels: Record<string, string> }[];
  const trimmed = JSON.parse(select(PACKED, { env: STAGING })) as { labels: Record<string, string> }[];
  assert.equal(trimmed, [
    {
      labels: {
        __metrics_path__: '/v2/metrics/cloud/export',
        __param_resource_compute_pool_id: 'lfcp-1q2w3e',
        __param_resource_kafka_id: 'lkc-5t6y7u',
        instance: 'plan-0',
      },
      targets: [TELEMETRY],
    },
  ]);
  assert.is(whole[0]?.labels.instance, 'plan-0');
});

test('a selection of everything gives the document’s own bytes, under every grouping', () => {
  for (const options of [BY_RESOURCE, BY_ENVIRONMENT, PACKED]) {
    const all = { env: `${PROD},${STAGING}` };
    assert.fixture(select(options, all), render(options).body);
  }
});

test('a well-formed id that matches nothing: the empty document', () => {
  const queries: Record<string, string>[] = [{ env: 'env-nothere' }, { associated_kafka_id: 'lkc-nothere' }];
  for (const query of queries) {
    for (const options of [BY_RESOURCE, BY_ENVIRONMENT, PACKED]) assert.is(select(options, query), '[]\n');
  }
});

test('the dotted param style is read as well', () => {
  const dotted: RenderOptions = { ...BY_RESOURCE, paramStyle: 'dotted' };
  assert.fixture(select(dotted, { env: STAGING }), renderedFrom(dotted, wanted({ env: STAGING })));
});

test('packed groups without an info document: no resource is known to be of an environment', () => {
  assert.is(select(PACKED, { env: PROD }, false), '[]\n');
  // the type is in the group's parameters, so a type needs no info document
  assert.equal(
    idsOf(select(PACKED, { resource_type: 'kafka' }, false)),
    inventoryIds(wanted({ resource_type: 'kafka' })),
  );
});

test('the info document is read with its escapes (quotes, backslashes, new lines in names)', () => {
  const info = [
    '# HELP confluent_resource_info x',
    'confluent_resource_info{connector_id="lcc-1",p_cluster_id="lkc-9",p_environment_id="env-1",p_name="a \\"b\\" \\\\ c\\nd",p_resource_type="connector"} 1',
    'confluent_resource_info{kafka_id="lkc-9",p_environment_id="env-2",p_resource_type="kafka"} 1',
    'confluent_resource_info{p_resource_type="ksql"} 1',
    '',
  ].join('\n');
  assert.equal(
    [...infoToAttributes(info, 'p_').entries()],
    [
      ['connector\u0000lcc-1', { env: 'env-1', kafka: 'lkc-9' }],
      ['kafka\u0000lkc-9', { env: 'env-2', kafka: 'lkc-9' }],
    ],
  );
});

test('a body that is not an array of target groups is a bug, not an empty answer', () => {
  const selection = parseSelection({ env: PROD })!;
  assert.throws(
    () => renderSelection('{"targets":[]}', new Map(), '', selection),
    /not an array of target groups/,
  );
  assert.throws(() => renderSelection('[{"labels":{"a":1},"targets":[]}]', new Map(), '', selection));
});

test.run();
