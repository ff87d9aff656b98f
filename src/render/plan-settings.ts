/**
 * What the scrape plan must respect (reference §4.2): the Metrics API's documented limits, less a safety margin,
 * and how the user's Prometheus servers scrape (interval, how many share one API key).
 */

/** The Metrics API's documented limits, by revision. */
export const METRICS_LIMITS = {
  '2025': { requestsPerMinute: 60, requestsPerResourceHour: 80, pointsPerMetric: 30_000 },
  '2026': { requestsPerMinute: 300, requestsPerResourceHour: 160, pointsPerMetric: 60_000 },
} as const;
export type MetricsLimitsName = keyof typeof METRICS_LIMITS;

export type Overflow = 'interval' | 'shard';

/** The budgets the plan packs into: the limits with the margin already taken off. */
export interface PlanSettings {
  /** Requests per minute one Prometheus may send to the Metrics API. */
  requestsPerMinute: number;
  /** `/export` requests per hour per resource and API key, shared by every Prometheus using the key. */
  requestsPerResourceHour: number;
  /** Series per resource type per metric in one response. */
  pointsPerMetric: number;
  /** Path and query of one scrape URL, as Prometheus sends it (`,` percent-encoded). */
  maxUrlBytes: number;
  intervalSeconds: number;
  /** Prometheus servers scraping with the same API key (an HA pair is 2). */
  scrapers: number;
  /** What to do when the budget cannot hold every group at the interval. */
  overflow: Overflow;
}

/** Budgets from a limits revision and a margin (0.2 = 20 % below the documented limits). */
export function budgetsFrom(
  limits: (typeof METRICS_LIMITS)[MetricsLimitsName],
  margin: number,
): Pick<PlanSettings, 'requestsPerMinute' | 'requestsPerResourceHour' | 'pointsPerMetric'> {
  const keep = 1 - margin;
  return {
    requestsPerMinute: Math.max(1, Math.floor(limits.requestsPerMinute * keep)),
    requestsPerResourceHour: Math.max(1, Math.floor(limits.requestsPerResourceHour * keep)),
    pointsPerMetric: Math.max(1, Math.floor(limits.pointsPerMetric * keep)),
  };
}

/**
 * Upper bounds of a Kafka cluster's partitions by cluster kind, for when the Metrics API did not say (Confluent's
 * published per-type partition limits, rounded up; Dedicated scales with CKUs). An unknown kind is taken as Standard.
 */
const PARTITIONS_BY_KIND: Readonly<Record<string, number>> = {
  Basic: 4_096,
  Standard: 4_096,
  Enterprise: 30_000,
  Freight: 50_000,
};
const PARTITIONS_PER_CKU = 4_500;

export function estimatePartitions(kind: string | undefined, cku: number | undefined): number {
  if (kind === 'Dedicated') return PARTITIONS_PER_CKU * Math.max(1, cku ?? 1);
  return (kind !== undefined ? PARTITIONS_BY_KIND[kind] : undefined) ?? PARTITIONS_BY_KIND.Standard ?? 4_096;
}
