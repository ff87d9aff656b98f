/**
 * Discovery and rendering against the simulator: every resource exactly once, Prometheus-valid label names,
 * the minimum number of listing calls for the organisation's shape, and one partition-count query (served, or
 * answered 404 by a simulator that does not know it yet: then the sizes are the kind estimate).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createConfluentClient } from '../../src/confluent/client.js';
import { discoverInventory } from '../../src/discovery/discover.js';
import type { Inventory } from '../../src/discovery/resource.js';
import { createSilentLogger } from '../../src/log.js';
import { renderDocument } from '../../src/render/render.js';
import { countResources } from '../../src/simulator/org.js';
import { startSimulator } from '../../src/simulator/server.js';
import { minimumListingCalls, minimumQueryCalls } from '../helpers/minimum-calls.js';

const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const sizes = [
  { environments: 1, kafkaPerEnv: 1, connectorsPerCluster: 0, ksqlPerEnv: 0, computePoolsPerEnv: 0 },
  { environments: 3, kafkaPerEnv: 2, connectorsPerCluster: 2 },
  { environments: 7, kafkaPerEnv: 3, connectorsPerCluster: 4, ksqlPerEnv: 2, computePoolsPerEnv: 2 },
  // more than one page of environments and of Kafka clusters in one environment
  { environments: 104, kafkaPerEnv: 1, connectorsPerCluster: 0, ksqlPerEnv: 0, computePoolsPerEnv: 0 },
  { environments: 1, kafkaPerEnv: 205, connectorsPerCluster: 1 },
];

const QUERY_ENDPOINT = '/v2/metrics/{dataset}/query';

/** Either the simulator answered the query (some cluster has a size, none a bad one) or it refused it (none has). */
function assertSizes(inventory: Inventory): void {
  const kafka = inventory.resources.filter((r) => r.type === 'kafka');
  const sized = kafka.filter((r) => r.partitions !== undefined);
  assert.ok(
    kafka.length > 0 && kafka.every((r) => typeof r.kafkaKind === 'string'),
    'every cluster has its kind',
  );
  assert.ok(
    inventory.resources.every((r) => r.type === 'kafka' || r.partitions === undefined),
    'only kafka clusters are sized',
  );
  if (inventory.sizes?.source === 'metrics-api') {
    assert.ok(sized.length > 0, 'the answer sized some cluster');
    for (const r of sized) assert.ok(Number.isInteger(r.partitions) && (r.partitions ?? -1) >= 0, r.id);
  } else {
    assert.equal(sized, []);
    assert.match(inventory.sizes?.reason ?? '', /^query kafka partition counts: server returned HTTP 404 /);
  }
}

const t = suite('discovery against the simulator (seed 7)');

for (const size of sizes) {
  t(`finds every resource once with the minimum calls: ${JSON.stringify(size)}`, async () => {
    const sim = await startSimulator({ seed: 7, port: 0, ...size });
    try {
      const client = createConfluentClient({
        apiUrl: sim.url,
        telemetryUrl: sim.url,
        apiKey: 'sim-key',
        apiSecret: 'sim-secret',
        timeoutMs: 5000,
        concurrency: 8,
        retries: 2,
        log: createSilentLogger(),
      });
      const inventory = await discoverInventory({ client, log: createSilentLogger() });
      const expected = countResources(sim.org);
      assert.is(inventory.resources.length, expected.total);
      const byType: Record<string, number> = {};
      for (const r of inventory.resources) byType[r.type] = (byType[r.type] ?? 0) + 1;
      for (const [type, n] of Object.entries(expected.byType)) assert.is(byType[type] ?? 0, n, type);
      const stats = sim.stats();
      // the query's endpoint, or `(unmatched)` while the simulator answers it 404
      const queries = (stats.byEndpoint[QUERY_ENDPOINT] ?? 0) + (stats.byEndpoint['(unmatched)'] ?? 0);
      assert.is(queries, minimumQueryCalls(sim.org), 'partition-count query pages');
      assert.is(stats.requests - queries, minimumListingCalls(sim.org), 'listing calls');
      assert.is(client.stats().requests, stats.requests);
      assertSizes(inventory);

      for (const prefix of ['', 'confluent_']) {
        const doc = renderDocument(
          inventory,
          { targets: ['api.telemetry.confluent.cloud'], prefix },
          { paramStyle: 'underscore', groupBy: 'resource', batchSize: 50 },
        );
        const groups = JSON.parse(doc.body) as { targets: string[]; labels: Record<string, string> }[];
        assert.is(groups.length, expected.total);
        assert.is(doc.groups, expected.total);
        const ids = groups.map((g) => g.labels.instance);
        assert.is(new Set(ids).size, ids.length, 'every id exactly once');
        for (const g of groups) {
          assert.equal(Object.keys(g).sort(), ['labels', 'targets']);
          for (const name of Object.keys(g.labels)) assert.match(name, LABEL_RE);
          assert.equal(g.targets, ['api.telemetry.confluent.cloud']);
        }
      }
      // connectors are published by their lcc- ids (custom ones by clcc-), ksqlDB clusters with their Kafka cluster's cloud
      for (const env of sim.org.environments) {
        for (const k of env.kafkaClusters) {
          for (const c of k.connectors) {
            const r = inventory.resources.find((x) => x.id === c.id);
            assert.equal(r && [r.type, r.name, r.kafkaClusterId, r.cloud], [
              'connector',
              c.name,
              k.id,
              k.cloud,
            ]);
          }
          for (const c of k.customConnectors) {
            const r = inventory.resources.find((x) => x.id === c.id);
            assert.equal(r && [r.type, r.name, r.kafkaClusterId], ['custom_connector', c.name, k.id]);
          }
        }
        for (const q of env.ksqlClusters) {
          const kafka = env.kafkaClusters.find((k) => k.id === q.kafkaClusterId);
          const r = inventory.resources.find((x) => x.id === q.id);
          assert.equal(r && [r.cloud, r.region], [kafka?.cloud, kafka?.region]);
        }
      }
    } finally {
      await sim.close();
    }
  });
}

t.run();
