/**
 * The label sets of a Kafka cluster's per-topic and per-partition metrics. Without limits the export keeps its
 * small legacy shape (a few topics); under limits it has one series per topic, or per topic and partition, of the
 * cluster's size. Generated on the fly per request, never stored.
 */
import { partitionsOfTopic } from './kafka-size.js';
import { DOMAINS } from './names.js';
import type { KafkaSize, SimKafkaCluster } from './org.js';
import { hashString } from './random.js';

export type Labels = Record<string, string>;

const TOPIC_ENTITIES = ['events', 'commands', 'changelog', 'snapshots', 'audit', 'dlq', 'state'] as const;

/** A few topics: what the cluster's connectors read or write, plus one named after the cluster. */
export function legacyTopics(cluster: SimKafkaCluster): string[] {
  const topics = new Set([cluster.displayName.split('-')[0] ?? cluster.displayName]);
  for (const c of cluster.connectors) if (topics.size < 4) topics.add(c.topic);
  return [...topics].sort();
}

/** The topic names of a sized cluster: the legacy ones first, then `<domain>.<entity>.<n>` (dotted, so unique). */
export function* topicNames(cluster: SimKafkaCluster, size: KafkaSize): Generator<string> {
  const legacy = legacyTopics(cluster);
  for (let i = 0; i < size.topics; i++) {
    const known = legacy[i];
    if (known !== undefined) {
      yield known;
      continue;
    }
    const h = hashString(`${cluster.id}|topic|${i}`);
    yield `${DOMAINS[h % DOMAINS.length]}.${TOPIC_ENTITIES[(h >>> 8) % TOPIC_ENTITIES.length]}.${i}`;
  }
}

/** One label set per topic. */
export function* perTopic(cluster: SimKafkaCluster, size: KafkaSize): Generator<Labels> {
  for (const topic of topicNames(cluster, size)) yield { topic };
}

/** One label set per topic and partition, like `retained_bytes` (it carries both labels). */
export function* perPartition(cluster: SimKafkaCluster, size: KafkaSize): Generator<Labels> {
  let index = 0;
  for (const topic of topicNames(cluster, size)) {
    const partitions = partitionsOfTopic(size, index++);
    for (let p = 0; p < partitions; p++) yield { topic, partition: String(p) };
  }
}
