/**
 * The resources of one environment: one listing per type (each paged), then one connector listing per Kafka
 * cluster, which holds managed and custom connectors. A listing refused for good or of something deleted meanwhile
 * lists nothing (report.ts); a record that cannot be scraped is left out with a warning (ids.ts).
 */
import type { ConfluentClient } from '../confluent/client.js';
import { connectorTypeOf, identifyConnector, idProblem } from './ids.js';
import {
  computePoolToResource,
  connectorToResource,
  kafkaClusterToResource,
  ksqlClusterToResource,
  schemaRegistryToResource,
} from './mappers.js';
import type { DiscoveryRecorder } from './report.js';
import type { Environment, Resource, ResourceType } from './resource.js';

export interface EnvironmentWalk {
  client: ConfluentClient;
  recorder: DiscoveryRecorder;
  /** The types whose listings run. */
  listed: ReadonlySet<ResourceType>;
}

/** Types that take their place from their Kafka cluster: listing them needs the Kafka listing. */
const ON_KAFKA: readonly ResourceType[] = ['kafka', 'connector', 'custom_connector', 'ksql'];

export async function discoverEnvironment(walk: EnvironmentWalk, env: Environment): Promise<Resource[]> {
  const { client, recorder, listed } = walk;
  const listing = <T>(type: ResourceType, list: () => Promise<T[]>, wanted = listed.has(type)) =>
    wanted ? recorder.listing({ listing: type, environmentId: env.id }, list) : Promise.resolve([]);
  const [kafka, schemaRegistries, ksql, pools] = await Promise.all([
    listing(
      'kafka',
      () => client.listKafkaClusters(env.id),
      ON_KAFKA.some((t) => listed.has(t)),
    ),
    listing('schema_registry', () => client.listSchemaRegistryClusters(env.id)),
    listing('ksql', () => client.listKsqlClusters(env.id)),
    listing('compute_pool', () => client.listComputePools(env.id)),
  ]);
  const kafkaResources = scrapable(
    recorder,
    kafka.map((c) => kafkaClusterToResource(c, env)),
  );
  const kafkaById = new Map(kafkaResources.map((r) => [r.id, r]));
  const connectors =
    listed.has('connector') || listed.has('custom_connector')
      ? (await Promise.all(kafkaResources.map((k) => discoverConnectors(walk, env, k)))).flat()
      : [];
  return scrapable(recorder, [
    ...(listed.has('kafka') ? kafkaResources : []),
    ...schemaRegistries.map((c) => schemaRegistryToResource(c, env)),
    ...ksql.map((c) => ksqlClusterToResource(c, env, kafkaById)),
    ...pools.map((c) => computePoolToResource(c, env)),
    ...connectors.filter((c) => listed.has(c.type)),
  ]);
}

/** The connectors of one Kafka cluster; an entry without a usable id is left out with a warning. */
async function discoverConnectors(
  walk: EnvironmentWalk,
  env: Environment,
  kafka: Resource,
): Promise<Resource[]> {
  const place = { listing: 'connector' as const, environmentId: env.id, kafkaClusterId: kafka.id };
  const records = await walk.recorder.listing(place, () => walk.client.listConnectors(env.id, kafka.id));
  const out: Resource[] = [];
  for (const c of records) {
    const identified = identifyConnector(c);
    if ('problem' in identified) {
      const id = c.id?.id ?? undefined;
      walk.recorder.leaveOut({
        type: connectorTypeOf(c),
        ...(id ? { id } : {}),
        name: c.name,
        environmentId: env.id,
        kafkaClusterId: kafka.id,
        problem: identified.problem,
      });
    } else out.push(connectorToResource(identified.connector, env, kafka));
  }
  return out;
}

/** The resources whose id can be scraped; each other one is left out with a warning naming it. */
function scrapable(recorder: DiscoveryRecorder, resources: Resource[]): Resource[] {
  return resources.filter((r) => {
    const problem = idProblem(r.type, r.id);
    if (problem === undefined) return true;
    recorder.leaveOut({
      type: r.type,
      id: r.id,
      ...(r.name === undefined ? {} : { name: r.name }),
      environmentId: r.environmentId,
      ...(r.kafkaClusterId === undefined ? {} : { kafkaClusterId: r.kafkaClusterId }),
      problem,
    });
    return false;
  });
}
