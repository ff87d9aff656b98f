/**
 * `POST /v2/metrics/{dataset}/query` for a Kafka cluster's partition count grouped by `resource.kafka.id`: every
 * cluster of the org in id order (groups are ordered lexicographically), `limit` groups a page, the next page
 * by `?page_token=` from `meta.pagination.next_page_token` with the same body.
 */
import { kafkaSizeOf } from './kafka-size.js';
import type { SimKafkaCluster } from './org.js';
import type { OrgStore } from './org-store.js';
import { decodePageToken, encodePageToken, isPageTokenExpired } from './page-token.js';
import { KAFKA_ID, type PartitionCountQuery, parseQueryBody } from './query-request.js';
import { checkDataset, jsonReply, metricsErrorReply, type Reply, type SimRequest } from './reply.js';
import type { Route } from './router.js';

export interface QueryContext {
  store: OrgStore;
  pageTokenTtlMs: number;
}

/** `2026-11-23T10:00:00Z`: the API's timestamps carry no milliseconds. */
function isoSeconds(t: number): string {
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The clusters the query keeps, sorted by id. */
function clustersOf(store: OrgStore, ids: Set<string> | undefined): SimKafkaCluster[] {
  const clusters = store.org.environments.flatMap((env) => env.kafkaClusters);
  return clusters.filter((c) => !ids || ids.has(c.id)).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** The offset of the page asked for, or the 400 to answer. */
function pageOffset(req: SimRequest, ttlMs: number): number | Reply {
  const text = req.query.get('page_token');
  if (text === null || text === '') return 0;
  const token = decodePageToken(text);
  if (!token) return metricsErrorReply(400, 'Invalid page token');
  if (isPageTokenExpired(token, req.now, ttlMs)) return metricsErrorReply(400, 'The page token has expired');
  return token.offset;
}

function pageData(query: PartitionCountQuery, clusters: SimKafkaCluster[], seed: number, now: number) {
  // a bucket still running has no data point yet
  const buckets = query.buckets.filter((t) => t < now).map(isoSeconds);
  return clusters.map((cluster) => {
    const value = kafkaSizeOf(seed, cluster).partitions;
    const points = buckets.map((timestamp) => ({ timestamp, value }));
    if (query.format === 'GROUPED') return [{ [KAFKA_ID]: cluster.id, points }];
    return points.map((p) => ({ ...p, [KAFKA_ID]: cluster.id }));
  });
}

function answerQuery(req: SimRequest, ctx: QueryContext): Reply {
  const query = parseQueryBody(req.body, req.now);
  if (typeof query === 'string') return metricsErrorReply(400, query);
  const offset = pageOffset(req, ctx.pageTokenTtlMs);
  if (typeof offset !== 'number') return offset;
  const clusters = clustersOf(ctx.store, query.ids);
  const page = clusters.slice(offset, offset + query.limit);
  const pagination: Record<string, unknown> = { page_size: query.limit };
  const end = offset + query.limit;
  if (end < clusters.length) {
    pagination.next_page_token = encodePageToken({ offset: end, pageSize: query.limit, issuedAt: req.now });
  }
  const data = pageData(query, page, ctx.store.org.seed, req.now).flat();
  return jsonReply(200, { data, meta: { pagination } });
}

export const QUERY_ROUTE: Route<QueryContext> = {
  method: 'POST',
  template: '/v2/metrics/{dataset}/query',
  // the one query modelled is of the `cloud` dataset
  handler: (req, ctx) => checkDataset(req, ['cloud']) ?? answerQuery(req, ctx),
};
