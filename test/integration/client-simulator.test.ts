/** The Confluent client lists a whole simulated organisation (seed 7), cleanly and through injected faults. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ConfluentClient } from '../../src/confluent/client.js';
import type { SimulatedOrg } from '../../src/simulator/org.js';
import { type SimulatorOptions, startSimulator } from '../../src/simulator/server.js';
import { createTestClient } from '../helpers/test-client.js';

const SIZES = {
  environments: 7,
  kafkaPerEnv: 3,
  connectorsPerCluster: 3,
  ksqlPerEnv: 2,
  computePoolsPerEnv: 2,
};

const byId = <T extends { id: string }>(items: T[]) => items.map((i) => i.id).sort();

/** Everything the job reads, as plain ids, straight from the simulator's model. */
function expectedListing(org: SimulatedOrg) {
  return org.environments
    .map((env) => ({
      id: env.id,
      name: env.displayName,
      kafka: byId(env.kafkaClusters),
      schemaRegistry: env.schemaRegistry ? [env.schemaRegistry.id] : [],
      ksql: env.ksqlClusters.map((q) => `${q.id}@${q.kafkaClusterId}`).sort(),
      pools: byId(env.computePools),
      connectors: env.kafkaClusters
        .map(
          (c) =>
            [c.id, [...c.connectors, ...c.customConnectors].map((x) => `${x.name}=${x.id}`).sort()] as const,
        )
        .sort((a, b) => (a[0] < b[0] ? -1 : 1)),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The same, through the client. */
async function listOrg(client: ConfluentClient) {
  const envs = await client.listEnvironments();
  const out = [];
  for (const env of envs) {
    const kafka = await client.listKafkaClusters(env.id);
    const connectors = [];
    for (const c of [...kafka].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const list = await client.listConnectors(env.id, c.id);
      connectors.push([c.id, list.map((x) => `${x.name}=${x.id?.id}`)] as const);
    }
    out.push({
      id: env.id,
      name: env.display_name,
      kafka: byId(kafka),
      schemaRegistry: byId(await client.listSchemaRegistryClusters(env.id)),
      ksql: (await client.listKsqlClusters(env.id)).map((q) => `${q.id}@${q.spec?.kafka_cluster?.id}`).sort(),
      pools: byId(await client.listComputePools(env.id)),
      connectors,
    });
  }
  return out.sort((a, b) => (a.id < b.id ? -1 : 1));
}

async function withSimulator(
  options: SimulatorOptions,
  fn: (url: string, org: SimulatedOrg) => Promise<void>,
) {
  const sim = await startSimulator({ seed: 7, ...SIZES, ...options });
  try {
    await fn(sim.url, sim.org);
  } finally {
    await sim.close();
  }
}

test('lists a seed-7 organisation completely, paging with small pages', async () => {
  await withSimulator({}, async (url, org) => {
    const { client } = createTestClient(url, { apiKey: 'sim-key', apiSecret: 'sim-secret', pageSize: 2 });
    const types = (await client.listResourceTypes()).map((t) => t.type);
    for (const t of ['kafka', 'connector', 'ksql', 'schema_registry', 'compute_pool'])
      assert.ok(types.includes(t), t);
    assert.equal(await listOrg(client), expectedListing(org));
    assert.equal(client.stats(), { ...client.stats(), retries: 0, throttled: 0, failures: 0 });
  });
});

test('lists the same organisation completely through faults and a rate limit', async () => {
  await withSimulator({ faultRate: 0.2, faultTimeoutMs: 50, rateLimit: 40 }, async (url, org) => {
    const { client } = createTestClient(url, {
      apiKey: 'sim-key',
      apiSecret: 'sim-secret',
      pageSize: 2,
      timeoutMs: 500,
      retries: 10,
    });
    assert.equal(await listOrg(client), expectedListing(org));
    const stats = client.stats();
    assert.ok(stats.retries > 0, 'the faults were retried');
  });
});

test('concurrent listings under a rate limit use it fully without a storm of 429s', async () => {
  await withSimulator({ environments: 15, rateLimit: 10 }, async (url, org) => {
    const { client } = createTestClient(url, { apiKey: 'sim-key', apiSecret: 'sim-secret', concurrency: 8 });
    const envs = await client.listEnvironments();
    const clusters = await Promise.all(envs.map((e) => client.listKafkaClusters(e.id)));
    assert.equal(
      clusters.flatMap((list) => list.map((c) => c.id)).sort(),
      org.environments.flatMap((e) => e.kafkaClusters.map((c) => c.id)).sort(),
    );
    // The gate holds requests once fewer than `concurrency` remain in the window, so none is refused.
    assert.equal(client.stats(), { ...client.stats(), requests: 16, throttled: 0, retries: 0 });
  });
});

test.run();
