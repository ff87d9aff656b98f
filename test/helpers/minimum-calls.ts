import type { SimulatedOrg } from '../../src/simulator/org.js';

const pages = (n: number, pageSize: number) => Math.max(1, Math.ceil(n / pageSize));

/**
 * The fewest API calls that list an organisation completely: the Metrics API's resource types, the environment
 * pages, per environment one listing (plus pages) per type, and one connector listing per Kafka cluster.
 */
export function minimumCalls(org: SimulatedOrg, pageSize = 100): number {
  let calls = 1 + pages(org.environments.length, pageSize);
  for (const env of org.environments) {
    calls += pages(env.kafkaClusters.length, pageSize);
    calls += pages(env.schemaRegistry ? 1 : 0, pageSize);
    calls += pages(env.ksqlClusters.length, pageSize);
    calls += pages(env.computePools.length, pageSize);
    calls += env.kafkaClusters.length;
  }
  return calls;
}
