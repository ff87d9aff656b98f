/** The resource types confluent-sd publishes, named as the Metrics API names them (`resource.<type>.id`). */
export const RESOURCE_TYPES = [
  'kafka',
  'schema_registry',
  'ksql',
  'compute_pool',
  'connector',
  'custom_connector',
] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** The Metrics API dataset a type is exported from: custom connectors have their own (reference §7.2, §12). */
export type Dataset = 'cloud' | 'cloud-custom';
export const DATASET_OF: Readonly<Record<ResourceType, Dataset>> = {
  kafka: 'cloud',
  schema_registry: 'cloud',
  ksql: 'cloud',
  compute_pool: 'cloud',
  connector: 'cloud',
  custom_connector: 'cloud-custom',
};

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
  /** The configured organisation (SD_CONFIG_FILE `organizations:`) it was discovered in; absent with one organisation. */
  organization?: string;
}

export interface Environment {
  id: string;
  name?: string;
  /** From the environment's CRN (`metadata.resource_name`); absent when the API sends none. */
  organizationId?: string;
  /** As on Resource. */
  organization?: string;
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
  /** What discovery left out and why (absent in inventories built by hand). */
  report?: DiscoveryReport;
}

/** Every resource discovery did not publish, and why; each entry was also a warning in the log. */
export interface DiscoveryReport {
  /** The types listed and published, and where that list came from. */
  types: ResourceType[];
  typesFrom: 'metrics-api' | 'SD_RESOURCE_TYPES';
  /** Types confluent-sd knows that were not published. */
  skippedTypes: SkippedType[];
  /** Listings answered with a permanent refusal (HTTP 403): their resources are missing from this snapshot. */
  refused: ListingOutcome[];
  /** Listings of something deleted since it was listed (HTTP 404): nothing there to publish. */
  gone: ListingOutcome[];
  /** Records left out because they cannot be scraped (no id, `id_type` NAME, an id with a separator…). */
  invalid: InvalidRecord[];
}

export interface SkippedType {
  type: ResourceType;
  /** `not-exported`: the Metrics API's descriptors do not name it; `not-configured`: SD_RESOURCE_TYPES leaves it out. */
  reason: 'not-exported' | 'not-configured';
  /** Resources of the type found (and not published); null when they were not listed or a listing failed. */
  resources: number | null;
}

/** One listing: of a type in an environment, or the connectors of one Kafka cluster. */
export interface ListingOutcome {
  /** The type listed (`connector` for the connector listing of a Kafka cluster, custom connectors included). */
  listing: ResourceType;
  environmentId: string;
  kafkaClusterId?: string;
  status: number;
  /** The server's answer, e.g. `server returned HTTP 403 (This service is not available …)`. */
  reason: string;
}

export interface InvalidRecord {
  type: ResourceType | 'environment';
  /** Absent when the record has none. */
  id?: string;
  name?: string;
  environmentId?: string;
  kafkaClusterId?: string;
  problem: string;
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
