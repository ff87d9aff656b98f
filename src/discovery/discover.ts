/**
 * Walks an organisation in the order of DESIGN §3 with the minimum number of calls: the Metrics API's resource
 * types, the environments, one listing per resource type per environment, one connector listing per Kafka
 * cluster, then one Metrics API query (paged) for the Kafka clusters' partition counts. Environments are walked in
 * parallel; the client bounds the concurrency. Any failed listing fails the whole discovery (stale beats partial);
 * a failed partition-count query does not (sizes.ts).
 */
import type { ConfluentClient } from '../confluent/client.js';
import type { Logger } from '../log.js';
import {
  computePoolToResource,
  connectorToResource,
  environmentRecordToEnvironment,
  kafkaClusterToResource,
  ksqlClusterToResource,
  schemaRegistryToResource,
} from './mappers.js';
import {
  compareResources,
  type Environment,
  type Inventory,
  isResourceType,
  type Resource,
  type ResourceType,
} from './resource.js';
import { addPartitionCounts } from './sizes.js';

/** How far a discovery got, for the caller's progress log. */
export interface DiscoveryProgress {
  /** undefined until the environments are listed */
  environments: number | undefined;
  environmentsDone: number;
}

export interface DiscoverDeps {
  client: ConfluentClient;
  log: Logger;
  /** Called when the environments are listed and as each one is done. */
  onProgress?: (progress: DiscoveryProgress) => void;
}

export async function discoverInventory({ client, log, onProgress }: DiscoverDeps): Promise<Inventory> {
  const descriptors = await client.listResourceTypes();
  const exportedTypes = [...new Set(descriptors.map((d) => d.type))].sort();
  const unknown = exportedTypes.filter((t) => !isResourceType(t));
  if (unknown.length > 0)
    log.info({ types: unknown }, 'metrics api exports resource types this version does not publish');
  const exported = new Set<ResourceType>(exportedTypes.filter(isResourceType));

  const environments = (await client.listEnvironments()).map(environmentRecordToEnvironment);
  log.debug({ environments: environments.length }, 'environments listed');
  const progress = { environments: environments.length, environmentsDone: 0 };
  onProgress?.({ ...progress });
  const perEnvironment = await Promise.all(
    environments.map(async (env) => {
      const resources = await discoverEnvironment(client, env, exported);
      progress.environmentsDone++;
      onProgress?.({ ...progress });
      return resources;
    }),
  );

  const { resources, sizes } = await addPartitionCounts(client, dedupe(perEnvironment.flat(), log), log);

  return {
    environments: [...environments].sort((a: Environment, b: Environment) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    ),
    resources,
    exportedTypes,
    ...(sizes ? { sizes } : {}),
  };
}

/** The resources of one environment, of the exported types: one listing per type, one per Kafka cluster for connectors. */
async function discoverEnvironment(
  client: ConfluentClient,
  env: Environment,
  exported: ReadonlySet<ResourceType>,
): Promise<Resource[]> {
  // connectors and ksqlDB clusters take their place from their Kafka cluster
  const wantKafka = exported.has('kafka') || exported.has('connector') || exported.has('ksql');
  const [kafka, schemaRegistries, ksql, pools] = await Promise.all([
    wantKafka ? client.listKafkaClusters(env.id) : [],
    exported.has('schema_registry') ? client.listSchemaRegistryClusters(env.id) : [],
    exported.has('ksql') ? client.listKsqlClusters(env.id) : [],
    exported.has('compute_pool') ? client.listComputePools(env.id) : [],
  ]);
  const kafkaResources = kafka.map((c) => kafkaClusterToResource(c, env));
  const kafkaById = new Map(kafkaResources.map((r) => [r.id, r]));
  const connectors = exported.has('connector')
    ? (
        await Promise.all(
          kafkaResources.map(async (k) =>
            (await client.listConnectors(env.id, k.id)).map((c) => connectorToResource(c, env, k)),
          ),
        )
      ).flat()
    : [];
  return [
    ...(exported.has('kafka') ? kafkaResources : []),
    ...schemaRegistries.map((c) => schemaRegistryToResource(c, env)),
    ...ksql.map((c) => ksqlClusterToResource(c, env, kafkaById)),
    ...pools.map((c) => computePoolToResource(c, env)),
    ...connectors,
  ];
}

/** A listing that shifts while it is paged can return a record twice; keep one. */
function dedupe(resources: Resource[], log: Logger): Resource[] {
  const sorted = resources.sort(compareResources);
  const out: Resource[] = [];
  const seen = new Set<string>();
  for (const r of sorted) {
    const key = `${r.type}/${r.id}`;
    if (seen.has(key)) {
      log.warn({ type: r.type, id: r.id }, 'resource listed twice, kept once');
      continue;
    }
    seen.add(key);
    out.push(r);
  }
  return out;
}
