/**
 * How many topics and partitions a Kafka cluster holds. Drawn per cluster from a stream seeded by the org seed and
 * the cluster id, apart from the generator's stream: the ids, names and order of a seed stay as they were, a
 * cluster keeps its size when others are added or removed, and nothing is stored per cluster.
 */
import type { KafkaSize, SimKafkaCluster, SimulatedOrg } from './org.js';
import { createRandom, hashString, type Random } from './random.js';

/** Share of Dedicated clusters of 2 CKU or more that are very large (10,000–40,000 partitions). */
export const VERY_LARGE_SHARE = 0.03;

type Sized = Pick<SimKafkaCluster, 'id' | 'kind' | 'cku' | 'size'>;

/** `topics` topics of one of `perTopic` partitions each. */
function spread(rand: Random, topics: number, perTopic: readonly number[]): KafkaSize {
  return { topics, partitions: topics * rand.pick(perTopic) };
}

/** Most clusters are small (tens of topics, a few hundred partitions); a few Dedicated ones are very large. */
function drawSize(rand: Random, kind: SimKafkaCluster['kind'], cku: number): KafkaSize {
  switch (kind) {
    case 'Basic':
      return spread(rand, rand.int(3, 25), [1, 1, 2, 3, 6]);
    case 'Standard':
      return spread(rand, rand.int(10, 60), [3, 4, 6, 6, 8]);
    case 'Enterprise':
      return spread(rand, rand.int(20, 90), [4, 6, 6, 8, 10]);
    case 'Dedicated':
      if (cku >= 2 && rand.chance(VERY_LARGE_SHARE)) {
        return { topics: rand.int(1_500, 5_000), partitions: rand.int(10_000, 40_000) };
      }
      return spread(rand, rand.int(40, 150) * Math.ceil(cku / 2), [6, 6, 8, 12]);
  }
}

/** The size of `cluster` in the org of `seed`: the one the admin API set, else its draw. */
export function kafkaSizeOf(seed: number, cluster: Sized): KafkaSize {
  if (cluster.size) return cluster.size;
  return drawSize(createRandom(hashString(`sizes:${seed}:${cluster.id}`)), cluster.kind, cluster.cku ?? 1);
}

/** Partitions of the topic at `index`: the cluster's partitions spread evenly, the remainder on the first ones. */
export function partitionsOfTopic(size: KafkaSize, index: number): number {
  const base = Math.floor(size.partitions / size.topics);
  return base + (index < size.partitions % size.topics ? 1 : 0);
}

export interface KafkaSizeEntry extends KafkaSize {
  id: string;
  environment: string;
  kind: SimKafkaCluster['kind'];
  cku?: number;
}

/** Every Kafka cluster's size in org order, and the sums: the inventory `GET /_sim/kafka-sizes` answers. */
export function listKafkaSizes(org: SimulatedOrg): {
  clusters: KafkaSizeEntry[];
  totals: { clusters: number; topics: number; partitions: number };
} {
  const clusters: KafkaSizeEntry[] = [];
  const totals = { clusters: 0, topics: 0, partitions: 0 };
  for (const env of org.environments) {
    for (const c of env.kafkaClusters) {
      const size = kafkaSizeOf(org.seed, c);
      const cku = c.cku === undefined ? {} : { cku: c.cku };
      clusters.push({ id: c.id, environment: env.id, kind: c.kind, ...cku, ...size });
      totals.clusters += 1;
      totals.topics += size.topics;
      totals.partitions += size.partitions;
    }
  }
  return { clusters, totals };
}
