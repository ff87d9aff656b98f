import type { SimulatedOrg } from '../../src/simulator/org.js';

const pages = (n: number, pageSize: number) => Math.max(1, Math.ceil(n / pageSize));

/** The groups one page of the partition-count query holds (`limit` of its body). */
export const QUERY_LIMIT = 1000;

/**
 * The fewest listing calls that walk an organisation completely: the Metrics API's resource types (of both
 * datasets), the environment pages, per environment one listing (plus pages) per type, and one connector listing
 * per Kafka cluster.
 */
export function minimumListingCalls(org: SimulatedOrg, pageSize = 100): number {
  let calls = 2 + pages(org.environments.length, pageSize);
  for (const env of org.environments) {
    calls += pages(env.kafkaClusters.length, pageSize);
    calls += pages(env.schemaRegistry ? 1 : 0, pageSize);
    calls += pages(env.ksqlClusters.length, pageSize);
    calls += pages(env.computePools.length, pageSize);
    calls += env.kafkaClusters.length;
  }
  return calls;
}

/** The partition-count query's pages: none without a Kafka cluster, else one per QUERY_LIMIT clusters. */
export function minimumQueryCalls(org: SimulatedOrg): number {
  const clusters = org.environments.reduce((n, env) => n + env.kafkaClusters.length, 0);
  return clusters === 0 ? 0 : pages(clusters, QUERY_LIMIT);
}

/** Everything one discovery sends at least: the listings, then the partition-count query's pages. */
export function minimumCalls(org: SimulatedOrg, pageSize = 100): number {
  return minimumListingCalls(org, pageSize) + minimumQueryCalls(org);
}
