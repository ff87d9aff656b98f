/**
 * Kafka clusters' sizes for the scrape plan: one Metrics API query for every cluster's partition count. Unlike a
 * listing, this call may fail without failing discovery: the documents do not depend on it, and the planner can
 * estimate a cluster from its kind and CKUs instead (it says so). Only the job's abort still stops the run.
 */
import type { ConfluentClient } from '../confluent/client.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { InventorySizes, Resource } from './resource.js';

export interface SizedResources {
  resources: Resource[];
  /** Absent when there was no Kafka cluster to size (and no call was made). */
  sizes?: InventorySizes;
}

/** Fills `partitions` of the Kafka clusters the Metrics API has a point for; the other resources are returned as given. */
export async function addPartitionCounts(
  client: ConfluentClient,
  resources: Resource[],
  log: Logger,
): Promise<SizedResources> {
  if (!resources.some((r) => r.type === 'kafka')) return { resources };
  let counts: Map<string, number>;
  try {
    counts = await client.queryPartitionCounts();
  } catch (err) {
    // API_AUTH (no MetricsViewer), API_UNAVAILABLE, API_BAD_RESPONSE, API_REQUEST; ABORTED stops the run.
    if (!isAppError(err) || !err.code.startsWith('API_')) throw err;
    log.warn(
      { code: err.code, reason: err.message },
      'kafka partition counts unavailable, sizes estimated from the cluster kind',
    );
    return { resources, sizes: { source: 'kind-estimate', reason: err.message } };
  }
  const sized = resources.map((r) => {
    const partitions = r.type === 'kafka' ? counts.get(r.id) : undefined;
    return partitions === undefined ? r : { ...r, partitions };
  });
  const kafka = sized.filter((r) => r.type === 'kafka');
  const unsized = kafka.filter((r) => r.partitions === undefined).length;
  log.debug({ clusters: kafka.length, unsized }, 'kafka partition counts read');
  return { resources: sized, sizes: { source: 'metrics-api' } };
}
