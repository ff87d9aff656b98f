/**
 * Pure mappers from Confluent Cloud API records (typed by the client's shapes) to plain resources: a field the
 * API leaves out or sends blank becomes an absent label, never `""`.
 */
import type {
  ComputePoolRecord,
  EnvironmentRecord,
  KafkaClusterRecord,
  KsqlClusterRecord,
  PlacedClusterRecord,
  SchemaRegistryClusterRecord,
} from '../confluent/records.js';
import { connectorTypeOf, type IdentifiedConnector } from './ids.js';
import type { Environment, Resource } from './resource.js';

function text(value: string | null | undefined): string | undefined {
  return value === undefined || value === null || value.trim() === '' ? undefined : value;
}

function lower(value: string | null | undefined): string | undefined {
  return text(value)?.toLowerCase();
}

/** Drops keys whose value is undefined, so resources compare and serialise cleanly. */
function compact(r: Resource): Resource {
  for (const [key, value] of Object.entries(r)) if (value === undefined) Reflect.deleteProperty(r, key);
  return r;
}

const ORGANIZATION_CRN_RE = /^crn:\/\/confluent\.cloud\/organization=([^/]+)(?:\/|$)/;

export function environmentRecordToEnvironment(e: EnvironmentRecord): Environment {
  const name = text(e.display_name);
  const organizationId = ORGANIZATION_CRN_RE.exec(e.metadata?.resource_name ?? '')?.[1];
  return {
    id: e.id,
    ...(name === undefined ? {} : { name }),
    ...(organizationId === undefined ? {} : { organizationId }),
  };
}

function base(type: Resource['type'], id: string, env: Environment): Resource {
  return { type, id, environmentId: env.id, environmentName: env.name };
}

/** Kafka clusters, Schema Registry clusters and compute pools carry their own name, cloud and region. */
function placedClusterToResource(type: Resource['type'], c: PlacedClusterRecord, env: Environment): Resource {
  return compact({
    ...base(type, c.id, env),
    name: text(c.spec?.display_name),
    cloud: lower(c.spec?.cloud),
    region: text(c.spec?.region),
  });
}

/** A Kafka cluster also carries its kind and CKUs, for the scrape plan's sizes (not labels). */
export function kafkaClusterToResource(c: KafkaClusterRecord, env: Environment): Resource {
  return compact({
    ...placedClusterToResource('kafka', c, env),
    kafkaKind: text(c.spec?.config?.kind),
    cku: c.spec?.config?.cku ?? undefined,
  });
}

export function schemaRegistryToResource(c: SchemaRegistryClusterRecord, env: Environment): Resource {
  return placedClusterToResource('schema_registry', c, env);
}

export function computePoolToResource(c: ComputePoolRecord, env: Environment): Resource {
  return placedClusterToResource('compute_pool', c, env);
}

/** ksqlDB clusters have no cloud or region of their own: they run where their Kafka cluster runs. */
export function ksqlClusterToResource(
  c: KsqlClusterRecord,
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

/**
 * Connectors are identified by their `lcc-` (custom: `clcc-`) id, never the name; cloud and region come from their
 * Kafka cluster.
 */
export function connectorToResource(c: IdentifiedConnector, env: Environment, kafka: Resource): Resource {
  const config = c.info?.config ?? {};
  return compact({
    ...base(connectorTypeOf(c), c.id.id, env),
    name: text(c.info?.name) ?? text(c.name),
    cloud: kafka.cloud ?? lower(config['cloud.provider']),
    region: kafka.region ?? text(config['kafka.region']),
    kafkaClusterId: kafka.id,
  });
}
