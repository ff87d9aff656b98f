/** Taking a record out of the org tree, with what cannot outlive it. */
import type { IndexEntry, SimEnvironment, SimKafkaCluster, SimulatedOrg } from './org.js';

/** Every id of an environment and what lives in it, the environment's first. */
export function idsOfEnvironment(env: SimEnvironment): string[] {
  return [
    env.id,
    ...env.kafkaClusters.flatMap((c) => [
      c.id,
      ...c.connectors.map((x) => x.id),
      ...c.customConnectors.map((x) => x.id),
    ]),
    ...(env.schemaRegistry ? [env.schemaRegistry.id] : []),
    ...env.ksqlClusters.map((q) => q.id),
    ...env.computePools.map((p) => p.id),
  ];
}

/** A Kafka cluster goes with its connectors and the ksqlDB clusters that run on it. */
function detachKafkaCluster(env: SimEnvironment, cluster: SimKafkaCluster): string[] {
  env.kafkaClusters.splice(env.kafkaClusters.indexOf(cluster), 1);
  const ksql = env.ksqlClusters.filter((k) => k.kafkaClusterId === cluster.id);
  env.ksqlClusters = env.ksqlClusters.filter((k) => k.kafkaClusterId !== cluster.id);
  return [
    cluster.id,
    ...cluster.connectors.map((c) => c.id),
    ...cluster.customConnectors.map((c) => c.id),
    ...ksql.map((q) => q.id),
  ];
}

/** Takes the record of `entry` and what belongs to it out of `org`; returns every id taken out. */
export function detachFromOrg(org: SimulatedOrg, entry: IndexEntry): string[] {
  const { env, record } = entry;
  switch (entry.kind) {
    case 'environment':
      org.environments.splice(org.environments.indexOf(env), 1);
      return idsOfEnvironment(env);
    case 'kafka':
      return detachKafkaCluster(env, entry.record);
    case 'schema_registry':
      delete env.schemaRegistry;
      delete env.streamGovernancePackage;
      break;
    case 'ksql':
      env.ksqlClusters = env.ksqlClusters.filter((k) => k.id !== record.id);
      break;
    case 'compute_pool':
      env.computePools = env.computePools.filter((p) => p.id !== record.id);
      break;
    case 'connector':
      entry.cluster.connectors = entry.cluster.connectors.filter((c) => c.id !== record.id);
      break;
    case 'custom_connector':
      entry.cluster.customConnectors = entry.cluster.customConnectors.filter((c) => c.id !== record.id);
      break;
  }
  return [record.id];
}
