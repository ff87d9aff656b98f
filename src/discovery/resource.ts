/** The resource types confluent-sd publishes, named as the Metrics API names them (`resource.<type>.id`). */
export const RESOURCE_TYPES = ['kafka', 'schema_registry', 'ksql', 'compute_pool', 'connector'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

export function isResourceType(value: string): value is ResourceType {
  return RESOURCE_TYPES.some((type) => type === value);
}

/**
 * One monitored resource, as plain data. A field that is unknown is absent, never `""`.
 * `cloud` is lower case (`aws`, `gcp`, `azure`).
 */
export interface Resource {
  type: ResourceType;
  id: string;
  name?: string;
  environmentId: string;
  environmentName?: string;
  cloud?: string;
  region?: string;
  /** The Kafka cluster a connector or ksqlDB cluster belongs to. */
  kafkaClusterId?: string;
  /** Kafka clusters only: `spec.config.kind` as the API sends it (Basic, Standard, Enterprise, Dedicated, Freight, …). */
  kafkaKind?: string;
  /** Kafka clusters only: `spec.config.cku` (Dedicated clusters). */
  cku?: number;
  /** Kafka clusters only: partitions, from the Metrics API; absent when it was not asked, refused or had no point. */
  partitions?: number;
}

export interface Environment {
  id: string;
  name?: string;
}

/**
 * Everything discovery found. `resources` are sorted by type (RESOURCE_TYPES order), environment id, then id;
 * only types the Metrics API exports are included.
 */
export interface Inventory {
  environments: Environment[];
  resources: Resource[];
  /** Resource types the Metrics API said it exports, including ones we do not know (logged, not published). */
  exportedTypes: string[];
  /** Where Kafka clusters' sizes come from; absent when discovery found no Kafka cluster to size. */
  sizes?: InventorySizes;
}

/**
 * `metrics-api`: the partition-count query answered (a cluster it had no point for still has no `partitions`).
 * `kind-estimate`: it failed (`reason`: the error's message), so sizes are estimated from the cluster kind.
 */
export type InventorySizes = { source: 'metrics-api' } | { source: 'kind-estimate'; reason: string };

export function compareResources(a: Resource, b: Resource): number {
  const t = RESOURCE_TYPES.indexOf(a.type) - RESOURCE_TYPES.indexOf(b.type);
  if (t !== 0) return t;
  if (a.environmentId !== b.environmentId) return a.environmentId < b.environmentId ? -1 : 1;
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}
