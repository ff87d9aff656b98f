/**
 * The simulated organisation: plain, JSON-serialisable data, generated from a seed (`org-generator.ts`). The
 * running simulator mutates it in place through its admin API (`org-store.ts`).
 */
import type { Cloud } from './names.js';
import type { SimResourceType } from './resource-types.js';

export interface SimEnvironment {
  id: string;
  displayName: string;
  /** Stream Governance package; absent when the environment has no Schema Registry. */
  streamGovernancePackage?: 'ESSENTIALS' | 'ADVANCED';
  createdAt: string;
  updatedAt: string;
  kafkaClusters: SimKafkaCluster[];
  schemaRegistry?: SimSchemaRegistry;
  ksqlClusters: SimKsqlCluster[];
  computePools: SimComputePool[];
}

export interface SimKafkaCluster {
  id: string;
  displayName: string;
  cloud: Cloud;
  region: string;
  kind: 'Basic' | 'Standard' | 'Enterprise' | 'Dedicated';
  availability: 'SINGLE_ZONE' | 'MULTI_ZONE';
  cku?: number;
  /** The `pkc-…` host prefix of its endpoints (not a resource id). */
  endpointId: string;
  createdAt: string;
  updatedAt: string;
  connectors: SimConnector[];
  /** Custom connectors (`clcc-…`): in the same Connect listing, exported from the `cloud-custom` dataset. */
  customConnectors: SimConnector[];
  /** Set only when the admin API asked for a size; generated clusters draw theirs apart (kafka-size.ts). */
  size?: KafkaSize;
}

/** What a Kafka cluster holds: the series of its per-topic and per-partition metrics follow from it. */
export interface KafkaSize {
  topics: number;
  /** Partitions summed over its topics (before replication), at least one per topic. */
  partitions: number;
}

export interface SimConnector {
  id: string;
  /** Unique within its Kafka cluster (custom connectors included): the key of the Connect API's expanded listing. */
  name: string;
  type: 'source' | 'sink';
  connectorClass: string;
  state: 'RUNNING' | 'FAILED' | 'PAUSED' | 'PROVISIONING';
  tasksMax: number;
  topic: string;
  /** Custom connectors only: the `ccp-…` id of the uploaded plugin they run. */
  pluginId?: string;
}

export interface SimSchemaRegistry {
  id: string;
  displayName: string;
  package: 'ESSENTIALS' | 'ADVANCED';
  cloud: Cloud;
  region: string;
  endpointId: string;
  createdAt: string;
  updatedAt: string;
}

export interface SimKsqlCluster {
  id: string;
  displayName: string;
  kafkaClusterId: string;
  csu: number;
  endpointId: string;
  createdAt: string;
  updatedAt: string;
}

export interface SimComputePool {
  id: string;
  displayName: string;
  cloud: Cloud;
  region: string;
  maxCfu: number;
  currentCfu: number;
  createdAt: string;
  updatedAt: string;
}

export interface SimulatedOrg {
  seed: number;
  organizationId: string;
  environments: SimEnvironment[];
}

/** A record found by its id, with the environment (and for a connector the Kafka cluster) it lives in. */
export type IndexEntry =
  | { kind: 'environment'; env: SimEnvironment; record: SimEnvironment }
  | { kind: 'kafka'; env: SimEnvironment; record: SimKafkaCluster }
  | { kind: 'connector'; env: SimEnvironment; cluster: SimKafkaCluster; record: SimConnector }
  | { kind: 'custom_connector'; env: SimEnvironment; cluster: SimKafkaCluster; record: SimConnector }
  | { kind: 'schema_registry'; env: SimEnvironment; record: SimSchemaRegistry }
  | { kind: 'ksql'; env: SimEnvironment; record: SimKsqlCluster }
  | { kind: 'compute_pool'; env: SimEnvironment; record: SimComputePool };

export interface OrgSizes {
  environments: number;
  kafkaPerEnv: number;
  connectorsPerCluster: number;
  ksqlPerEnv: number;
  computePoolsPerEnv: number;
  /** Custom connectors per environment, on its first Kafka cluster (none in an environment without one). */
  customConnectorsPerEnv: number;
  /** Schema Registry in most environments (Stream Governance enabled); false: none anywhere. */
  schemaRegistry: boolean;
}

export const DEFAULT_SIZES: Readonly<OrgSizes> = Object.freeze({
  environments: 3,
  kafkaPerEnv: 2,
  connectorsPerCluster: 2,
  ksqlPerEnv: 1,
  computePoolsPerEnv: 1,
  customConnectorsPerEnv: 1,
  schemaRegistry: true,
});

export interface ResourceCounts {
  environments: number;
  byType: Record<SimResourceType, number>;
  /** Resources discovery should find (environments are not resources). */
  total: number;
}

export function countResources(org: SimulatedOrg): ResourceCounts {
  const byType: Record<SimResourceType, number> = {
    kafka: 0,
    schema_registry: 0,
    ksql: 0,
    compute_pool: 0,
    connector: 0,
    custom_connector: 0,
  };
  for (const env of org.environments) {
    byType.kafka += env.kafkaClusters.length;
    byType.schema_registry += env.schemaRegistry ? 1 : 0;
    byType.ksql += env.ksqlClusters.length;
    byType.compute_pool += env.computePools.length;
    for (const cluster of env.kafkaClusters) {
      byType.connector += cluster.connectors.length;
      byType.custom_connector += cluster.customConnectors.length;
    }
  }
  const total = Object.values(byType).reduce((a, b) => a + b, 0);
  return { environments: org.environments.length, byType, total };
}

/** One line for logs and the `simulate` command: `3 environments, 6 kafka, … (27 resources)`. */
export function describeCounts(counts: ResourceCounts): string {
  const types = Object.entries(counts.byType).map(([type, n]) => `${n} ${type}`);
  return `${counts.environments} environments, ${types.join(', ')} (${counts.total} resources)`;
}
