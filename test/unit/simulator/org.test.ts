import { createHash } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countResources, type SimulatedOrg } from '../../../src/simulator/org.js';
import { generateOrg } from '../../../src/simulator/org-generator.js';

const sha256 = (org: SimulatedOrg) => createHash('sha256').update(JSON.stringify(org)).digest('hex');

function allIds(org: SimulatedOrg): string[] {
  return org.environments.flatMap((env) => [
    env.id,
    ...env.kafkaClusters.flatMap((c) => [
      c.id,
      ...c.connectors.map((x) => x.id),
      ...c.customConnectors.map((x) => x.id),
    ]),
    ...(env.schemaRegistry ? [env.schemaRegistry.id] : []),
    ...env.ksqlClusters.map((q) => q.id),
    ...env.computePools.map((p) => p.id),
  ]);
}

test('the same seed and sizes give a byte-identical organisation', () => {
  const sizes = { environments: 5, kafkaPerEnv: 3, connectorsPerCluster: 4 };
  assert.is(JSON.stringify(generateOrg(7, sizes)), JSON.stringify(generateOrg(7, sizes)));
});

test('seed 7 with default sizes is stable across versions (golden hash)', () => {
  // A change here means every user's `simulate --seed 7` org changed: update docs/simulator.md examples too.
  // (Changed once, deliberately: custom connectors, one per environment.)
  assert.is(sha256(generateOrg(7)), '6728dfe7970aa65263916343d675767b16a60fbd0da2bb29a9011ae3310d117d');
});

test('custom connectors leave the rest of the organisation of a seed as it was before them', () => {
  const withoutCustom = JSON.stringify(generateOrg(7), (k, v) => (k === 'customConnectors' ? undefined : v));
  const hash = createHash('sha256').update(withoutCustom).digest('hex');
  assert.is(hash, 'e39be0018cb3f989ecc4d2d3fdf8a8cde2e34cf082021673855695296ecdbff2', 'the hash before them');
  const none = generateOrg(7, { customConnectorsPerEnv: 0 });
  assert.ok(none.environments.every((e) => e.kafkaClusters.every((k) => k.customConnectors.length === 0)));
});

test('different seeds give different organisations', () => {
  const a = generateOrg(7);
  const b = generateOrg(8);
  assert.is.not(JSON.stringify(a), JSON.stringify(b));
  assert.is.not(a.environments[0]?.id, b.environments[0]?.id);
});

test('ids have the real prefixes and six lowercase alphanumerics, and are unique', () => {
  const org = generateOrg(3, { environments: 20, kafkaPerEnv: 4, connectorsPerCluster: 5, ksqlPerEnv: 2 });
  const ids = allIds(org);
  assert.is(new Set(ids).size, ids.length);
  for (const env of org.environments) {
    assert.match(env.id, /^env-[a-z0-9]{6}$/);
    for (const c of env.kafkaClusters) {
      assert.match(c.id, /^lkc-[a-z0-9]{6}$/);
      for (const x of c.connectors) assert.match(x.id, /^lcc-[a-z0-9]{6}$/);
      for (const x of c.customConnectors) assert.match(x.id, /^clcc-[a-z0-9]{6}$/);
    }
    if (env.schemaRegistry) assert.match(env.schemaRegistry.id, /^lsrc-[a-z0-9]{6}$/);
    for (const q of env.ksqlClusters) assert.match(q.id, /^lksqlc-[a-z0-9]{6}$/);
    for (const p of env.computePools) assert.match(p.id, /^lfcp-[a-z0-9]{6}$/);
  }
});

test('names are realistic and unique where the API needs them to be', () => {
  const org = generateOrg(11, { environments: 30, kafkaPerEnv: 5, connectorsPerCluster: 8 });
  assert.equal(
    org.environments.slice(0, 3).map((e) => e.displayName),
    ['production', 'staging', 'development'],
  );
  const envNames = org.environments.map((e) => e.displayName);
  assert.is(new Set(envNames).size, envNames.length);
  for (const env of org.environments) {
    for (const c of env.kafkaClusters) {
      assert.match(c.displayName, /^[a-z]+-[a-z]+(-\d+)?$/);
      const names = c.connectors.map((x) => x.name);
      assert.is(new Set(names).size, names.length, 'connector names are keys of the Connect listing');
      for (const x of c.connectors) assert.match(x.name, /-(sink|source)(-\d+)?$/);
    }
  }
});

test('clouds and regions match, ksqlDB runs on a Kafka cluster of its environment', () => {
  const regions: Record<string, RegExp> = {
    aws: /^[a-z]{2}-[a-z]+-\d$/,
    gcp: /^[a-z]+-?[a-z]+\d$/,
    azure: /^[a-z]+\d?$/,
  };
  const org = generateOrg(5, { environments: 15, kafkaPerEnv: 3 });
  for (const env of org.environments) {
    for (const r of [
      ...env.kafkaClusters,
      ...env.computePools,
      ...(env.schemaRegistry ? [env.schemaRegistry] : []),
    ]) {
      assert.match(r.region, regions[r.cloud]!);
    }
    for (const q of env.ksqlClusters) assert.ok(env.kafkaClusters.some((c) => c.id === q.kafkaClusterId));
  }
});

test('countResources counts per type what discovery should find', () => {
  const org = generateOrg(7, {
    environments: 4,
    kafkaPerEnv: 2,
    connectorsPerCluster: 3,
    ksqlPerEnv: 1,
    computePoolsPerEnv: 2,
  });
  const srs = org.environments.filter((e) => e.schemaRegistry).length;
  assert.ok(srs >= 1, 'the first environment always has a schema registry');
  assert.equal(countResources(org), {
    environments: 4,
    byType: { kafka: 8, schema_registry: srs, ksql: 4, compute_pool: 8, connector: 24, custom_connector: 4 },
    total: 8 + srs + 4 + 8 + 24 + 4,
  });
});

test('schemaRegistry false and zero sizes give an org without those resources', () => {
  const org = generateOrg(7, { environments: 2, kafkaPerEnv: 0, schemaRegistry: false });
  assert.equal(countResources(org), {
    environments: 2,
    byType: { kafka: 0, schema_registry: 0, ksql: 0, compute_pool: 2, connector: 0, custom_connector: 0 },
    total: 2,
  });
});

test('a large organisation (200 envs, 2,000 clusters, 10,000 connectors) has unique ids', () => {
  const org = generateOrg(1, { environments: 200, kafkaPerEnv: 10, connectorsPerCluster: 5 });
  const counts = countResources(org);
  assert.is(counts.byType.kafka, 2000);
  assert.is(counts.byType.connector, 10_000);
  const ids = allIds(org);
  assert.is(new Set(ids).size, ids.length);
});

test.run();
