/** The export body: the legacy shape without limits, series in proportion to sizes under them, the points cap. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { renderExport } from '../../../src/simulator/export-render.js';
import { topicNames } from '../../../src/simulator/kafka-series.js';
import { kafkaSizeOf, listKafkaSizes, partitionsOfTopic } from '../../../src/simulator/kafka-size.js';
import { generateOrg } from '../../../src/simulator/org-generator.js';
import { OrgStore } from '../../../src/simulator/org-store.js';

const NOW = Date.UTC(2026, 10, 23, 10, 0, 0);
const TS = NOW - 60_000;
const LEGACY = { sized: false, pointsCap: Number.POSITIVE_INFINITY };

function storeWithBigCluster() {
  const store = new OrgStore(generateOrg(7), () => NOW);
  const env = store.org.environments[0]!;
  const big = store.addKafkaCluster({
    environment: env.id,
    displayName: 'big',
    kind: 'Dedicated',
    cku: 4,
    topics: 10,
    partitions: 95,
  });
  return { store, env, big };
}

function seriesOf(body: string, metric: string): string[] {
  return body.split('\n').filter((l) => l.startsWith(`${metric}{`));
}

test('without limits a cluster keeps the small legacy shape: a few topics, no partition label', () => {
  const { store, big } = storeWithBigCluster();
  const { body, seriesCut } = renderExport(
    store,
    new URLSearchParams(`resource.kafka.id=${big.id}`),
    NOW,
    LEGACY,
  );
  assert.is(seriesCut, 0);
  assert.equal(
    seriesOf(body, 'confluent_kafka_server_retained_bytes').map((l) => l.replace(/ \d+ \d+$/, '')),
    [`confluent_kafka_server_retained_bytes{kafka_id="${big.id}",topic="big"}`],
  );
  assert.not.match(body, 'partition="');
});

test('sized: one series per topic, one per topic and partition for retained_bytes, the real partition count', () => {
  const { store, big } = storeWithBigCluster();
  const query = new URLSearchParams(`resource.kafka.id=${big.id}`);
  const { body, seriesCut } = renderExport(store, query, NOW, { sized: true, pointsCap: 1000 });
  assert.is(seriesCut, 0);
  assert.is(seriesOf(body, 'confluent_kafka_server_received_bytes').length, 10);
  assert.is(seriesOf(body, 'confluent_kafka_server_sent_bytes').length, 10);
  const retained = seriesOf(body, 'confluent_kafka_server_retained_bytes');
  assert.is(retained.length, 95);
  assert.match(
    retained[0]!,
    new RegExp(
      `^confluent_kafka_server_retained_bytes\\{kafka_id="${big.id}",topic="big",partition="0"\\} \\d+ ${TS}$`,
    ),
  );
  assert.equal(seriesOf(body, 'confluent_kafka_server_partition_count'), [
    `confluent_kafka_server_partition_count{kafka_id="${big.id}"} 95 ${TS}`,
  ]);
});

test('the cap keeps the first series of each metric over all requested clusters and counts the rest', () => {
  const { store, env, big } = storeWithBigCluster();
  const other = env.kafkaClusters[0]!;
  const otherSize = kafkaSizeOf(store.org.seed, other);
  const query = new URLSearchParams(`resource.kafka.id=${big.id},${other.id}`);
  const { body, seriesCut } = renderExport(store, query, NOW, { sized: true, pointsCap: 90 });
  const retained = seriesOf(body, 'confluent_kafka_server_retained_bytes');
  assert.is(retained.length, 90);
  assert.ok(
    retained.every((l) => l.includes(`kafka_id="${big.id}"`)),
    'the first cluster fills the cap',
  );
  const topicsCut = Math.max(0, 10 + otherSize.topics - 90);
  assert.is(seriesCut, 95 + otherSize.partitions - 90 + 2 * topicsCut);
  assert.is(seriesOf(body, 'confluent_kafka_server_partition_count').length, 2, 'other metrics keep theirs');
  assert.is(seriesOf(body, 'confluent_scrape_resource_access_error').length, 2);
});

test('topic names are unique; partitions spread evenly and sum to the size', () => {
  const { store, big } = storeWithBigCluster();
  const size = kafkaSizeOf(store.org.seed, big);
  const names = [...topicNames(big, size)];
  assert.is(new Set(names).size, 10);
  const spread = names.map((_, i) => partitionsOfTopic(size, i));
  assert.equal(spread, [10, 10, 10, 10, 10, 9, 9, 9, 9, 9]);
});

test('sizes are drawn apart from the org: the same seed gives the same sizes, other clusters do not move them', () => {
  const a = listKafkaSizes(generateOrg(7));
  const b = listKafkaSizes(generateOrg(7));
  assert.equal(a, b);
  const bigger = generateOrg(7, { kafkaPerEnv: 3 });
  const sizes = new Map(listKafkaSizes(bigger).clusters.map((c) => [c.id, c.partitions]));
  for (const c of a.clusters) {
    if (sizes.has(c.id)) assert.is(sizes.get(c.id), c.partitions, c.id);
  }
});

test('the large benchmark org (seed 42, 2,000 clusters): mostly small, a few very large Dedicated clusters', () => {
  // the sizes of test/bench/publish.ts's large org
  const sizes = {
    environments: 200,
    kafkaPerEnv: 10,
    connectorsPerCluster: 5,
    ksqlPerEnv: 2,
    computePoolsPerEnv: 2,
  };
  const { clusters, totals } = listKafkaSizes(generateOrg(42, sizes));
  const partitions = clusters.map((c) => c.partitions).sort((x, y) => y - x);
  const veryLarge = clusters.filter((c) => c.partitions >= 10_000);
  assert.equal([totals.clusters, totals.topics, totals.partitions], [2000, 222_145, 1_681_842]);
  assert.is(partitions[Math.floor(partitions.length / 2)], 282, 'the median cluster');
  assert.is(veryLarge.length, 19);
  assert.ok(veryLarge.every((c) => c.kind === 'Dedicated' && (c.cku ?? 0) >= 2));
  assert.ok(partitions[0]! > 30_000 * 0.9, 'one cluster alone approaches the 2025 cap');
  assert.ok(partitions[0]! + partitions[1]! + partitions[2]! > 60_000, 'three of them exceed the 2026 cap');
});

test.run();
