/**
 * Simulated records → the JSON shapes of the real APIs (reference/confluent-cloud-api.md §5). Links point back at
 * the simulator so a client that follows `self`/`related`/`metadata.next` stays on it.
 */
import type {
  SimComputePool,
  SimConnector,
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

function metadata(self: string, resourceName: string, r: { createdAt: string; updatedAt: string }) {
  return { self, resource_name: resourceName, created_at: r.createdAt, updated_at: r.updatedAt };
}

function host(prefix: string, region: string, cloud: string): string {
  return `${prefix}.${region}.${cloud}.confluent.cloud`;
}

export function environmentToRecord(ctx: RecordContext, env: SimEnvironment) {
  return {
    api_version: 'org/v2',
    kind: 'Environment',
    id: env.id,
    metadata: metadata(`${ctx.baseUrl}/org/v2/environments/${env.id}`, envCrn(ctx, env.id), env),
    display_name: env.displayName,
    ...(env.streamGovernancePackage
      ? { stream_governance_config: { package: env.streamGovernancePackage } }
      : {}),
  };
}

export function kafkaClusterToRecord(ctx: RecordContext, env: SimEnvironment, c: SimKafkaCluster) {
  const bootstrap = `SASL_SSL://${host(c.endpointId, c.region, c.cloud)}:9092`;
  const http = `https://${host(c.endpointId, c.region, c.cloud)}:443`;
  return {
    api_version: 'cmk/v2',
    kind: 'Cluster',
    id: c.id,
    metadata: metadata(
      `${ctx.baseUrl}/cmk/v2/clusters/${c.id}`,
      `${envCrn(ctx, env.id)}/cloud-cluster=${c.id}/kafka=${c.id}`,
      c,
    ),
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
  const endpoint = `https://${host(sr.endpointId, sr.region, sr.cloud)}`;
  return {
    api_version: 'srcm/v3',
    kind: 'Cluster',
    id: sr.id,
    metadata: metadata(
      `${ctx.baseUrl}/srcm/v3/clusters/${sr.id}`,
      `${envCrn(ctx, env.id)}/schema-registry=${sr.id}`,
      sr,
    ),
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
  const endpointHost = kafka
    ? host(q.endpointId, kafka.region, kafka.cloud)
    : `${q.endpointId}.confluent.cloud`;
  return {
    api_version: 'ksqldbcm/v2',
    kind: 'Cluster',
    id: q.id,
    metadata: metadata(`${ctx.baseUrl}/ksqldbcm/v2/clusters/${q.id}`, `${clusterCrn}/ksql=${q.id}`, q),
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
      http_endpoint: `https://${endpointHost}`,
      topic_prefix: q.endpointId,
    },
  };
}

export function computePoolToRecord(ctx: RecordContext, env: SimEnvironment, p: SimComputePool) {
  return {
    api_version: 'fcpm/v2',
    kind: 'ComputePool',
    id: p.id,
    metadata: metadata(
      `${ctx.baseUrl}/fcpm/v2/compute-pools/${p.id}`,
      `${envCrn(ctx, env.id)}/flink-region=${p.cloud}.${p.region}/compute-pool=${p.id}`,
      p,
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

export type ConnectorPart = 'id' | 'info' | 'status';

const MASKED = '****************';

/** One entry of the Connect API's expanded listing, with only the parts asked for. */
export function connectorToExpanded(
  env: SimEnvironment,
  cluster: SimKafkaCluster,
  c: SimConnector,
  parts: ReadonlySet<ConnectorPart>,
) {
  const entry: Record<string, unknown> = {};
  if (parts.has('id')) entry.id = { id: c.id, id_type: 'ID' };
  if (parts.has('info')) {
    entry.info = {
      name: c.name,
      type: c.type,
      config: {
        'cloud.environment': 'prod',
        'cloud.provider': cluster.cloud,
        'connector.class': c.connectorClass,
        'kafka.api.key': MASKED,
        'kafka.api.secret': MASKED,
        'kafka.endpoint': `SASL_SSL://${host(cluster.endpointId, cluster.region, cluster.cloud)}:9092`,
        'kafka.environment.id': env.id,
        'kafka.region': cluster.region,
        name: c.name,
        'tasks.max': String(c.tasksMax),
        ...(c.type === 'sink' ? { topics: c.topic } : { 'kafka.topic': c.topic }),
      },
      tasks: Array.from({ length: c.tasksMax }, (_, task) => ({ connector: c.name, task })),
    };
  }
  if (parts.has('status')) {
    const running = c.state === 'RUNNING';
    entry.status = {
      name: c.name,
      type: c.type,
      connector: {
        state: c.state,
        worker_id: c.name,
        trace: c.state === 'FAILED' ? 'There were some errors with your configuration' : '',
      },
      tasks: running
        ? Array.from({ length: c.tasksMax }, (_, id) => ({
            id,
            state: 'RUNNING',
            worker_id: c.name,
            msg: '',
          }))
        : [],
    };
  }
  entry.extensions = {};
  return entry;
}
