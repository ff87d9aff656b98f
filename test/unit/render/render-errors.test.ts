import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Inventory, Resource } from '../../../src/discovery/resource.js';
import { AppError } from '../../../src/errors.js';
import type { Combination } from '../../../src/render/combination.js';
import { type RenderOptions, renderAll, renderDocument } from '../../../src/render/render.js';
import { buildRenderInventory, TELEMETRY } from '../../helpers/render-inventory.js';

const OPTIONS: RenderOptions = { paramStyle: 'underscore', groupBy: 'resource', batchSize: 50 };
const ONE: Combination = { targets: [TELEMETRY], prefix: '' };

function inventoryOf(...resources: unknown[]): Inventory {
  return { environments: [], resources: resources as Resource[], exportedTypes: [] };
}

function renderError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

const combinationCases: [string, Combination, string][] = [
  [
    'prefix with a dash',
    { targets: [TELEMETRY], prefix: 'my-prefix' },
    'render document for targets ["api.telemetry.confluent.cloud"] prefix "my-prefix": prefix "my-prefix" must match ^[a-zA-Z_][a-zA-Z0-9_]*$',
  ],
  [
    'reserved prefix',
    { targets: [TELEMETRY], prefix: '__x' },
    'render document for targets ["api.telemetry.confluent.cloud"] prefix "__x": prefix "__x" must not start with "__" (reserved by Prometheus)',
  ],
  [
    'target with a scheme',
    { targets: ['https://api.example'], prefix: '' },
    'render document for targets ["https://api.example"] prefix "": target "https://api.example" must not have a scheme (set scheme: https in the scrape config)',
  ],
  [
    'target with a path',
    { targets: ['api.example/v2'], prefix: '' },
    'render document for targets ["api.example/v2"] prefix "": target "api.example/v2" must not have a path',
  ],
  [
    'target with a bad port and a bad prefix, both named',
    { targets: ['api.example:99999'], prefix: '9' },
    'render document for targets ["api.example:99999"] prefix "9": prefix "9" must match ^[a-zA-Z_][a-zA-Z0-9_]*$; target "api.example:99999" has a port outside 1-65535',
  ],
  [
    'no target',
    { targets: [], prefix: '' },
    'render document for targets [] prefix "": a target list must name at least one target',
  ],
  [
    'a target twice',
    { targets: ['a.example', 'a.example'], prefix: '' },
    'render document for targets ["a.example","a.example"] prefix "": a target list must not name a target twice',
  ],
];

for (const [name, combination, message] of combinationCases) {
  test(`bad combination: ${name}`, () => {
    const err = renderError(() => renderDocument(buildRenderInventory(), combination, OPTIONS));
    assert.is(err.code, 'RENDER_INVALID');
    assert.is(err.message, message);
  });
}

const inventoryCases: [string, Inventory, Partial<RenderOptions>, string][] = [
  [
    'resource without an id',
    inventoryOf({ type: 'kafka', id: 'lkc-1', environmentId: 'e' }, { type: 'kafka', environmentId: 'e' }),
    {},
    'render: resource #1 (type kafka) has no id',
  ],
  [
    'resource with an empty id',
    inventoryOf({ type: 'ksql', id: '', environmentId: 'e' }),
    {},
    'render: resource #0 (type ksql) has no id',
  ],
  [
    'unknown type',
    inventoryOf({ type: 'flink_statement', id: 'x-1', environmentId: 'e' }),
    {},
    'render: resource x-1 has unknown type "flink_statement"',
  ],
  ['null resource', inventoryOf(null), {}, 'render: resource #0 is not an object'],
  [
    'same resource twice',
    inventoryOf(
      { type: 'kafka', id: 'lkc-1', environmentId: 'e' },
      { type: 'kafka', id: 'lkc-1', environmentId: 'f' },
    ),
    {},
    'render: kafka resource lkc-1 is listed twice',
  ],
  [
    'comma in an id when grouping',
    inventoryOf({ type: 'kafka', id: 'lkc-1,lkc-2', environmentId: 'e' }),
    { groupBy: 'environment' },
    'render: kafka id "lkc-1,lkc-2" has a comma; ids cannot be grouped',
  ],
  ['batch size 0', inventoryOf(), { batchSize: 0 }, 'render: batch size 0 must be an integer of at least 1'],
  [
    'metrics path with a query and an unknown param style',
    inventoryOf(),
    { metricsPath: '/export?x=1', paramStyle: 'slashed' as never },
    'render: param style "slashed" must be "underscore" or "dotted"; metrics path "/export?x=1" must start with "/" and have no query or spaces',
  ],
];

for (const [name, inventory, options, message] of inventoryCases) {
  test(`bad input: ${name}`, () => {
    const err = renderError(() => renderDocument(inventory, ONE, { ...OPTIONS, ...options }));
    assert.is(err.code, 'RENDER_INVALID');
    assert.is(err.message, message);
  });
}

test('a resource without an environment id is rendered without it and warned about', () => {
  const doc = renderDocument(inventoryOf({ type: 'kafka', id: 'lkc-1' }), ONE, OPTIONS);
  assert.equal(doc.warnings, [
    {
      resourceId: 'lkc-1',
      type: 'kafka',
      missing: ['cloud_provider', 'environment_name', 'cluster_name', 'environment_id', 'region'],
    },
  ]);
  const grouped = renderDocument(inventoryOf({ type: 'kafka', id: 'lkc-1' }), ONE, {
    ...OPTIONS,
    groupBy: 'environment',
  });
  assert.is(
    grouped.body,
    '[\n{"labels":{"__metrics_path__":"/v2/metrics/cloud/export","__param_resource_kafka_id":"lkc-1",' +
      '"instance":"no-environment/kafka/1","resource_type":"kafka"},"targets":["api.telemetry.confluent.cloud"]}\n]\n',
  );
  assert.equal(grouped.warnings, [
    { resourceId: 'lkc-1', type: 'kafka', missing: ['environment_id', 'environment_name'] },
  ]);
});

test('renderAll refuses two combinations with the same document name', () => {
  const err = renderError(() =>
    renderAll(
      buildRenderInventory(),
      [
        { targets: ['a.example'], prefix: 'x_' },
        { targets: ['a.example'], prefix: 'x' },
      ],
      OPTIONS,
    ),
  );
  assert.is(err.code, 'RENDER_INVALID');
  assert.is(err.message, 'render: two combinations share the document name "x--a.example"');
});

test.run();
