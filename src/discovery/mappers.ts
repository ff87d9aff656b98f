/**
 * Pure mappers from Confluent Cloud API records to plain resources. Only the fields we read are typed here,
 * all optional but the id: a field the API leaves out becomes an absent label, never `""`.
 */
import type { Environment, Resource } from './resource.js';

interface Ref {
  id?: string | null;
}

export interface EnvironmentLike {
  id: string;
  display_name?: string | null;
}

export interface ClusterLike {
  id: string;
  spec?: {
    display_name?: string | null;
    cloud?: string | null;
    region?: string | null;
    environment?: Ref | null;
    kafka_cluster?: Ref | null;
  } | null;
}

export interface ConnectorLike {
  name: string;
  id: { id: string; id_type?: string | null };
  info?: { name?: string | null; config?: Record<string, string | undefined> | null } | null;
}

function text(value: string | null | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  return value.trim() === '' ? undefined : value;
}

function lower(value: string | null | undefined): string | undefined {
  return text(value)?.toLowerCase();
}

/** Drops keys whose value is undefined, so resources compare and serialise cleanly. */
function compact(r: Resource): Resource {
  for (const k of Object.keys(r) as (keyof Resource)[]) if (r[k] === undefined) delete r[k];
  return r;
}

export function environmentRecordToEnvironment(e: EnvironmentLike): Environment {
  const name = text(e.display_name);
  return name === undefined ? { id: e.id } : { id: e.id, name };
}

function base(type: Resource['type'], id: string, env: Environment): Resource {
  return { type, id, environmentId: env.id, environmentName: env.name };
}

/** Kafka clusters, Schema Registry clusters and compute pools carry their own name, cloud and region. */
function placedClusterToResource(type: Resource['type'], c: ClusterLike, env: Environment): Resource {
  return compact({
    ...base(type, c.id, env),
    name: text(c.spec?.display_name),
    cloud: lower(c.spec?.cloud),
    region: text(c.spec?.region),
  });
}

export function kafkaClusterToResource(c: ClusterLike, env: Environment): Resource {
  return placedClusterToResource('kafka', c, env);
}

export function schemaRegistryToResource(c: ClusterLike, env: Environment): Resource {
  return placedClusterToResource('schema_registry', c, env);
}

export function computePoolToResource(c: ClusterLike, env: Environment): Resource {
  return placedClusterToResource('compute_pool', c, env);
}

/** ksqlDB clusters have no cloud or region of their own: they run where their Kafka cluster runs. */
export function ksqlClusterToResource(
  c: ClusterLike,
  env: Environment,
  kafkaById: ReadonlyMap<string, Resource>,
): Resource {
  const kafkaId = text(c.spec?.kafka_cluster?.id);
  const kafka = kafkaId === undefined ? undefined : kafkaById.get(kafkaId);
  return compact({
    ...base('ksql', c.id, env),
    name: text(c.spec?.display_name),
    cloud: kafka?.cloud,
    region: kafka?.region,
    kafkaClusterId: kafkaId,
  });
}

/** Connectors are identified by their `lcc-` id (never the name); cloud and region come from their Kafka cluster. */
export function connectorToResource(c: ConnectorLike, env: Environment, kafka: Resource): Resource {
  const config = c.info?.config ?? {};
  return compact({
    ...base('connector', c.id.id, env),
    name: text(c.info?.name) ?? text(c.name),
    cloud: kafka.cloud ?? lower(config['cloud.provider']),
    region: kafka.region ?? text(config['kafka.region']),
    kafkaClusterId: kafka.id,
  });
}
