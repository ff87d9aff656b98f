/**
 * A resource type never vanishes silently. Served the 2022 descriptor list (no compute_pool, no cloud-custom
 * dataset), discovery does not publish compute pools or custom connectors but counts them, warns once per type and
 * says so in the report; SD_RESOURCE_TYPES forces the list (and the descriptors are not read).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { discoverInventory } from '../../src/discovery/discover.js';
import { countResources } from '../../src/simulator/org.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { listPage, startScriptedServer } from '../helpers/scripted-server.js';
import { createTestClient } from '../helpers/test-client.js';

const SKIPPED = 'resource type not exported by the metrics api, its resources are not published';
const DESCRIPTORS = ['/v2/metrics/{dataset}/descriptors/resources'];

const test = suite<{ sim: RunningSimulator }>('discovery: which resource types', {
  sim: undefined as unknown as RunningSimulator,
});
test.before(async (ctx) => {
  ctx.sim = await startSimulator({ seed: 3, port: 0, resourceDescriptors: '2022' });
});
test.after(async (ctx) => {
  await ctx.sim.close();
});

function client(sim: RunningSimulator) {
  return createTestClient(sim.url, { apiKey: 'sim-key', apiSecret: 'sim-secret', retries: 0 });
}

test('the 2022 descriptors: compute pools and custom connectors are counted, warned and not published', async ({
  sim,
}) => {
  const counts = countResources(sim.org).byType;
  assert.ok(counts.compute_pool > 0 && counts.custom_connector > 0, JSON.stringify(counts));
  const { client: c, captured } = client(sim);
  const inventory = await discoverInventory({ client: c, log: captured.log });
  const types = new Set(inventory.resources.map((r) => r.type));
  assert.equal([...types].sort(), ['connector', 'kafka', 'ksql', 'schema_registry']);
  assert.equal(inventory.report?.types, ['kafka', 'schema_registry', 'ksql', 'connector']);
  assert.equal(inventory.report?.typesFrom, 'metrics-api');
  assert.equal(inventory.report?.skippedTypes, [
    { type: 'compute_pool', reason: 'not-exported', resources: counts.compute_pool },
    { type: 'custom_connector', reason: 'not-exported', resources: counts.custom_connector },
  ]);
  assert.equal(
    captured
      .entries()
      .filter((e) => e.msg === SKIPPED)
      .map((e) => [e.level, e.type, e.resources]),
    [
      ['warn', 'compute_pool', counts.compute_pool],
      ['warn', 'custom_connector', counts.custom_connector],
    ],
  );
});

test('SD_RESOURCE_TYPES forces the list: exactly those are listed and published, no descriptors read', async ({
  sim,
}) => {
  sim.resetStats();
  const { client: c, captured } = client(sim);
  const inventory = await discoverInventory({
    client: c,
    log: captured.log,
    resourceTypes: ['kafka', 'compute_pool', 'custom_connector'],
  });
  const counts = countResources(sim.org).byType;
  const byType: Record<string, number> = {};
  for (const r of inventory.resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
  assert.equal(byType, {
    kafka: counts.kafka,
    compute_pool: counts.compute_pool,
    custom_connector: counts.custom_connector,
  });
  assert.equal(inventory.report?.typesFrom, 'SD_RESOURCE_TYPES');
  assert.equal(
    inventory.report?.skippedTypes,
    (['schema_registry', 'ksql', 'connector'] as const).map((type) => ({
      type,
      reason: 'not-configured',
      resources: null,
    })),
  );
  const stats = sim.stats();
  for (const endpoint of DESCRIPTORS) assert.is(stats.byEndpoint[endpoint] ?? 0, 0, endpoint);
  assert.is(stats.byEndpoint['/srcm/v3/clusters'] ?? 0, 0, 'a type left out is not listed');
  assert.is(captured.entries().filter((e) => e.level === 'warn').length, 0);
});

test('the current descriptors: every type published, none skipped', async ({ sim }) => {
  sim.setConfig({ resourceDescriptors: 'current' });
  try {
    const { client: c, captured } = client(sim);
    const inventory = await discoverInventory({ client: c, log: captured.log });
    assert.is(inventory.resources.length, countResources(sim.org).total);
    assert.equal(inventory.report?.skippedTypes, []);
  } finally {
    sim.setConfig({ resourceDescriptors: '2022' });
  }
});

test.run();

/** A Metrics API without the cloud-custom dataset answering 400 instead of 404 [U]: still "not offered". */
const scripted = suite('discovery: a cloud-custom dataset that is not offered');

scripted(
  'a 400 on the cloud-custom descriptors: custom connectors counted and skipped, the run goes on',
  async () => {
    const server = await startScriptedServer((req) => {
      if (req.path === '/v2/metrics/cloud/descriptors/resources')
        return { body: { data: [{ type: 'kafka' }, { type: 'connector' }], meta: {} } };
      if (req.path === '/v2/metrics/cloud-custom/descriptors/resources')
        return { status: 400, body: { errors: [{ status: '400', detail: 'invalid dataset' }] } };
      if (req.path === '/org/v2/environments') return { body: listPage([{ id: 'env-1' }]) };
      if (req.path === '/cmk/v2/clusters') return { body: listPage([{ id: 'lkc-1' }]) };
      if (req.path.startsWith('/connect/'))
        return {
          body: {
            managed: { id: { id: 'lcc-1', id_type: 'ID' } },
            custom: {
              id: { id: 'clcc-1', id_type: 'ID' },
              info: { config: { 'confluent.connector.type': 'CUSTOM' } },
            },
          },
        };
      if (req.path === '/v2/metrics/cloud/query') return { body: { data: [], meta: {} } };
      return { body: listPage([]) };
    });
    try {
      const { client, captured } = createTestClient(server.url, { retries: 0 });
      const inventory = await discoverInventory({ client, log: captured.log });
      assert.equal(
        inventory.resources.map((r) => r.id),
        ['lkc-1', 'lcc-1'],
      );
      assert.equal(
        inventory.report?.skippedTypes.find((s) => s.type === 'custom_connector'),
        { type: 'custom_connector', reason: 'not-exported', resources: 1 },
      );
    } finally {
      await server.close();
    }
  },
);

scripted.run();
