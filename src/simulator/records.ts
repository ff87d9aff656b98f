/**
 * Simulated records → the JSON shapes of the real APIs (reference/confluent-cloud-api.md §5). Links point back at
 * the simulator so a client that follows `self`/`related`/`metadata.next` stays on it.
 */
import type {
  SimComputePool,
  SimEnvironment,
  SimKafkaCluster,
  SimKsqlCluster,
  SimSchemaRegistry,
} from './org.js';

export interface RecordContext {
  baseUrl: string;
  organizationId: string;
}

const crnRoot = (ctx: RecordContext) => `crn://confluent.cloud/organization=${ctx.organizationId}`;
const envCrn = (ctx: RecordContext, envId: string) => `${crnRoot(ctx)}/environment=${envId}`;

function envReference(ctx: RecordContext, env: SimEnvironment) {
  return {
    id: env.id,
    related: `${ctx.baseUrl}/org/v2/environments/${env.id}`,
    resource_name: envCrn(ctx, env.id),
  };
}

/** The type of a management API object: its API version, its collection in that API and its kind. */
interface ObjectType {
  apiVersion: string;
  collection: string;
  kind: string;
}

/** The fields every management API object starts with: `api_version`, `kind`, `id`, `metadata`. */
function envelope(
  ctx: RecordContext,
  type: ObjectType,
  r: { id: string; createdAt: string; updatedAt: string },
  resourceName: string,
) {
  return {
    api_version: type.apiVersion,
    kind: type.kind,
    id: r.id,
    metadata: {
      self: `${ctx.baseUrl}/${type.apiVersion}/${type.collection}/${r.id}`,
      resource_name: resourceName,
      created_at: r.createdAt,
      updated_at: r.updatedAt,
    },
  };
}

/** The host name of an endpoint: `<prefix>.<region>.<cloud>.confluent.cloud`. */
export function endpointHost(prefix: string, region: string, cloud: string): string {
  return `${prefix}.${region}.${cloud}.confluent.cloud`;
}

const ENVIRONMENT: ObjectType = { apiVersion: 'org/v2', collection: 'environments', kind: 'Environment' };
const KAFKA_CLUSTER: ObjectType = { apiVersion: 'cmk/v2', collection: 'clusters', kind: 'Cluster' };
const SCHEMA_REGISTRY: ObjectType = { apiVersion: 'srcm/v3', collection: 'clusters', kind: 'Cluster' };
const KSQL_CLUSTER: ObjectType = { apiVersion: 'ksqldbcm/v2', collection: 'clusters', kind: 'Cluster' };
const COMPUTE_POOL: ObjectType = { apiVersion: 'fcpm/v2', collection: 'compute-pools', kind: 'ComputePool' };

export function environmentToRecord(ctx: RecordContext, env: SimEnvironment) {
  return {
    ...envelope(ctx, ENVIRONMENT, env, envCrn(ctx, env.id)),
    display_name: env.displayName,
    ...(env.streamGovernancePackage
      ? { stream_governance_config: { package: env.streamGovernancePackage } }
      : {}),
  };
}

export function kafkaClusterToRecord(ctx: RecordContext, env: SimEnvironment, c: SimKafkaCluster) {
  const bootstrap = `SASL_SSL://${endpointHost(c.endpointId, c.region, c.cloud)}:9092`;
  const http = `https://${endpointHost(c.endpointId, c.region, c.cloud)}:443`;
  return {
    ...envelope(ctx, KAFKA_CLUSTER, c, `${envCrn(ctx, env.id)}/cloud-cluster=${c.id}/kafka=${c.id}`),
    spec: {
      display_name: c.displayName,
      availability: c.availability,
      cloud: c.cloud.toUpperCase(),
      region: c.region,
      config: c.cku === undefined ? { kind: c.kind } : { kind: c.kind, cku: c.cku },
      kafka_bootstrap_endpoint: bootstrap,
      http_endpoint: http,
      endpoints: {
        PUBLIC: { kafka_bootstrap_endpoint: bootstrap, http_endpoint: http, connection_type: 'PUBLIC' },
      },
      deletion_protection: false,
      environment: envReference(ctx, env),
    },
    status: c.cku === undefined ? { phase: 'PROVISIONED' } : { phase: 'PROVISIONED', cku: c.cku },
  };
}

export function schemaRegistryToRecord(ctx: RecordContext, env: SimEnvironment, sr: SimSchemaRegistry) {
  const endpoint = `https://${endpointHost(sr.endpointId, sr.region, sr.cloud)}`;
  return {
    ...envelope(ctx, SCHEMA_REGISTRY, sr, `${envCrn(ctx, env.id)}/schema-registry=${sr.id}`),
    spec: {
      display_name: sr.displayName,
      package: sr.package,
      http_endpoint: endpoint,
      catalog_http_endpoint: endpoint,
      cloud: sr.cloud.toUpperCase(),
      region: sr.region,
      environment: envReference(ctx, env),
    },
    status: { phase: 'PROVISIONED' },
  };
}

/** ksqlDB carries no cloud/region: clients join them from its Kafka cluster. */
export function ksqlClusterToRecord(
  ctx: RecordContext,
  env: SimEnvironment,
  q: SimKsqlCluster,
  kafka: SimKafkaCluster | undefined,
) {
  const clusterCrn = `${envCrn(ctx, env.id)}/cloud-cluster=${q.kafkaClusterId}`;
  const ksqlHost = kafka
    ? endpointHost(q.endpointId, kafka.region, kafka.cloud)
    : `${q.endpointId}.confluent.cloud`;
  return {
    ...envelope(ctx, KSQL_CLUSTER, q, `${clusterCrn}/ksql=${q.id}`),
    spec: {
      display_name: q.displayName,
      use_detailed_processing_log: true,
      csu: q.csu,
      kafka_cluster: {
        id: q.kafkaClusterId,
        environment: env.id,
        related: `${ctx.baseUrl}/cmk/v2/clusters/${q.kafkaClusterId}`,
        resource_name: clusterCrn,
      },
      environment: envReference(ctx, env),
    },
    status: {
      phase: 'PROVISIONED',
      is_paused: false,
      storage: q.csu * 125,
      http_endpoint: `https://${ksqlHost}`,
      topic_prefix: q.endpointId,
    },
  };
}

export function computePoolToRecord(ctx: RecordContext, env: SimEnvironment, p: SimComputePool) {
  return {
    ...envelope(
      ctx,
      COMPUTE_POOL,
      p,
      `${envCrn(ctx, env.id)}/flink-region=${p.cloud}.${p.region}/compute-pool=${p.id}`,
    ),
    spec: {
      display_name: p.displayName,
      cloud: p.cloud.toUpperCase(),
      region: p.region,
      max_cfu: p.maxCfu,
      default_pool: false,
      environment: envReference(ctx, env),
    },
    status: { phase: 'PROVISIONED', current_cfu: p.currentCfu },
  };
}
