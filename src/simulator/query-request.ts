/**
 * A `/v2/metrics/{dataset}/query` body (metrics-v2 spec, `QueryRequest`), checked. The simulator models one
 * query — a Kafka cluster's partition count grouped by `resource.kafka.id` — and refuses the rest with a 400
 * rather than answering something made up.
 */
import { bucketStarts, GRANULARITIES, parseInterval } from './query-interval.js';

export const PARTITION_COUNT = 'io.confluent.kafka.server/partition_count';
export const KAFKA_ID = 'resource.kafka.id';
const MAX_LIMIT = 1000;
const MAX_BUCKETS = 10_000;

export interface PartitionCountQuery {
  /** Bucket starts, newest first (one for granularity ALL). */
  buckets: number[];
  limit: number;
  format: 'FLAT' | 'GROUPED';
  /** Only these clusters, when the query has a `resource.kafka.id` filter. */
  ids?: Set<string>;
}

type Body = Record<string, unknown>;

function isBody(value: unknown): value is Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const UNMODELLED = `the simulator answers only ${PARTITION_COUNT} grouped by ${KAFKA_ID}`;

function checkAggregation(body: Body): string | undefined {
  const aggs = body.aggregations;
  if (!Array.isArray(aggs) || aggs.length !== 1 || !isBody(aggs[0])) {
    return 'aggregations must hold exactly one aggregation';
  }
  const { metric, agg } = aggs[0];
  if (typeof metric !== 'string') return 'aggregations[0].metric must be a string';
  if (metric !== PARTITION_COUNT) return `Unsupported metric ${metric}: ${UNMODELLED}`;
  if (agg !== undefined && agg !== 'SUM') return `Unsupported aggregation ${String(agg)} for ${metric}`;
  const groupBy = body.group_by;
  if (!Array.isArray(groupBy) || groupBy.length !== 1 || groupBy[0] !== KAFKA_ID) {
    return `Unsupported group_by ${JSON.stringify(groupBy ?? [])}: ${UNMODELLED}`;
  }
  return undefined;
}

/** `{field: resource.kafka.id, op: EQ, value}` or an OR of those: the ids it keeps. */
function filterIds(filter: unknown): Set<string> | string {
  if (!isBody(filter)) return 'filter must be an object';
  if (filter.op === 'EQ' && filter.field === KAFKA_ID && typeof filter.value === 'string') {
    return new Set([filter.value]);
  }
  if (filter.op === 'OR' && Array.isArray(filter.filters) && filter.filters.length > 0) {
    const ids = new Set<string>();
    for (const part of filter.filters) {
      const got = filterIds(part);
      if (typeof got === 'string') return got;
      for (const id of got) ids.add(id);
    }
    return ids;
  }
  return `Unsupported filter: the simulator filters only on ${KAFKA_ID} with EQ and OR`;
}

function readBuckets(body: Body, now: number): number[] | string {
  const granularity = typeof body.granularity === 'string' ? GRANULARITIES[body.granularity] : undefined;
  if (!granularity) return `granularity must be one of ${Object.keys(GRANULARITIES).join(', ')}`;
  const texts = body.intervals;
  if (!Array.isArray(texts) || texts.length === 0) return 'intervals must hold at least one interval';
  const buckets = new Set<number>();
  for (const text of texts) {
    const interval = typeof text === 'string' ? parseInterval(text, now) : undefined;
    if (!interval) return `Invalid interval: ${String(text)}`;
    if (interval.end - interval.start > granularity.maxIntervalMs) {
      return `Interval ${text} is too long for granularity ${String(body.granularity)}`;
    }
    for (const t of bucketStarts(interval, granularity.bucketMs)) buckets.add(t);
  }
  if (buckets.size > MAX_BUCKETS) return `The intervals hold more than ${MAX_BUCKETS} buckets`;
  return [...buckets].sort((a, b) => b - a);
}

/** The query asked for, or the detail of the 400 to answer. */
export function parseQueryBody(body: unknown, now: number): PartitionCountQuery | string {
  if (!isBody(body)) return 'The request body must be a JSON object';
  const unsupported = checkAggregation(body);
  if (unsupported) return unsupported;
  const buckets = readBuckets(body, now);
  if (typeof buckets === 'string') return buckets;
  const limit = body.limit ?? 100;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    return `limit must be an integer from 1 to ${MAX_LIMIT}`;
  }
  const format = body.format ?? 'FLAT';
  if (format !== 'FLAT' && format !== 'GROUPED') return 'format must be FLAT or GROUPED';
  const query: PartitionCountQuery = { buckets, limit, format };
  if (body.filter !== undefined) {
    const ids = filterIds(body.filter);
    if (typeof ids === 'string') return ids;
    query.ids = ids;
  }
  return query;
}
