/**
 * The one Metrics API query discovery makes: the partition count of every Kafka cluster the key can see. The scrape
 * plan sizes its groups by it, because a cluster exports about one point per partition for its per-partition
 * metrics (`retained_bytes` has `topic` and `partition` labels) and the API cuts a response past a points cap.
 */
import type { z } from 'zod';
import type { components } from './generated/metrics-v2.js';
import { metricsNextToken, type Page } from './paging.js';
import { kafkaPointListShape, type kafkaPointShape, parseShape } from './shapes.js';

export const PARTITION_COUNT_METRIC = 'io.confluent.kafka.server/partition_count';

/** The request body, the same on every page (the next page only adds `?page_token=`). */
export const PARTITION_COUNT_QUERY: components['schemas']['QueryRequest'] = {
  aggregations: [{ metric: PARTITION_COUNT_METRIC }],
  group_by: ['resource.kafka.id'],
  granularity: 'PT15M',
  // One 15-minute bucket ending five minutes back: points become queryable within about five minutes (the
  // Metrics API's "Metric Data Latency"), so a shorter, more recent window is often still empty.
  intervals: ['PT15M/now-5m|m'],
  limit: 1000,
};

/** One FLAT data point: `{"timestamp": …, "value": N, "resource.kafka.id": "lkc-…"}`. */
export type KafkaPoint = z.output<typeof kafkaPointShape>;

/** Checks one page of the answer. */
export function parseKafkaPointPage(data: unknown): Page<KafkaPoint> {
  const body = parseShape(kafkaPointListShape, data);
  return { items: body.data, nextToken: metricsNextToken(body.meta) };
}

/**
 * Points to partitions per cluster id. A cluster with several points (more than one time bucket) keeps the largest:
 * the count sizes groups against a cap, so the high side is the safe one. Counts are whole partitions.
 */
export function kafkaPointsToPartitionCounts(points: readonly KafkaPoint[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const point of points) {
    const id = point['resource.kafka.id'];
    const value = Math.ceil(point.value);
    counts.set(id, Math.max(counts.get(id) ?? 0, value));
  }
  return counts;
}
