/** A resource as the planner sees it, a group of them, and the length of the scrape URL a group makes. */

export interface PlannedResource {
  type: string;
  id: string;
  /** Series of the resource's largest metric: partitions for a Kafka cluster, 1 for the other types. */
  points: number;
  /** Position in the document's resource order, so parts of a bucket keep that order. */
  order: number;
  metricsPath: string;
  /** The dataset of the metrics path; packed groups of another dataset than `cloud` have keys `plan-<dataset>-…`. */
  dataset?: string;
  /** The query parameter Prometheus sends for the type: `resource_kafka_id` or `resource.kafka.id`. */
  param: string;
  /** Its configured organisation: a scrape carries one organisation's key, so groups never mix organisations. */
  organization?: string;
}

export interface PlannedGroup {
  /** `plan-[<dataset>-]<bucket>[-<part>]`, or the resource id of a group of one. */
  key: string;
  members: PlannedResource[];
  /** Set when the group is scraped less often than the interval. */
  intervalSeconds?: number;
  /** Set when the plan spreads groups over shards. */
  shard?: number;
}

/**
 * Bytes of path and query Prometheus sends for a group: `<path>?<param>=<id>%2C<id>&<param>=…` (Prometheus
 * percent-encodes the commas of a joined value).
 */
export function urlBytesOf(members: readonly PlannedResource[]): number {
  const byParam = new Map<string, number>();
  let path = 0;
  for (const r of members) {
    path = Math.max(path, r.metricsPath.length);
    byParam.set(r.param, (byParam.get(r.param) ?? -3) + r.id.length + 3);
  }
  let bytes = path;
  for (const [param, ids] of byParam) bytes += 1 + param.length + 1 + ids;
  return bytes;
}

/** The fewest groups that could hold `resources`: each type's points over the cap, all ids over the URL length. */
export function lowerBound(
  resources: readonly PlannedResource[],
  cap: number,
  usableUrlBytes: number,
): number {
  const pointsByType = new Map<string, number>();
  let url = 0;
  for (const r of resources) {
    pointsByType.set(r.type, (pointsByType.get(r.type) ?? 0) + r.points);
    url += r.id.length + 3;
  }
  const byPoints = Math.max(0, ...[...pointsByType.values()].map((p) => Math.ceil(p / cap)));
  return Math.max(resources.length > 0 ? 1 : 0, byPoints, Math.ceil(url / usableUrlBytes));
}

export function maxPointsPerType(members: readonly PlannedResource[]): number {
  const byType = new Map<string, number>();
  for (const r of members) byType.set(r.type, (byType.get(r.type) ?? 0) + r.points);
  return Math.max(0, ...byType.values());
}

export function metricsPathBytes(resources: readonly PlannedResource[]): number {
  return Math.max(0, ...resources.map((r) => r.metricsPath.length));
}

/**
 * The resources of each metrics path (and organisation), in their order: a scrape URL has one path, and a scrape
 * one organisation's key, so each is planned apart.
 */
export function byMetricsPath(resources: readonly PlannedResource[]): PlannedResource[][] {
  const byPath = new Map<string, PlannedResource[]>();
  for (const r of resources) {
    const key = r.organization === undefined ? r.metricsPath : `${r.metricsPath}\u0000${r.organization}`;
    const members = byPath.get(key);
    if (members) members.push(r);
    else byPath.set(key, [r]);
  }
  return [...byPath.values()];
}
