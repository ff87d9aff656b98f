/** The vocabulary of generated organisations: realistic names, clouds and their regions, connector plugins. */

export const CLOUDS = ['aws', 'gcp', 'azure'] as const;
export type Cloud = (typeof CLOUDS)[number];

export const REGIONS: Record<Cloud, readonly string[]> = {
  aws: [
    'us-east-1',
    'us-east-2',
    'us-west-2',
    'eu-west-1',
    'eu-central-1',
    'ap-southeast-1',
    'ap-northeast-1',
  ],
  gcp: ['us-central1', 'us-east4', 'europe-west1', 'europe-west3', 'asia-southeast1'],
  azure: ['eastus', 'eastus2', 'westus2', 'westeurope', 'northeurope', 'southeastasia'],
};

/** Roughly the market share seen in Confluent Cloud orgs: mostly AWS. */
export const CLOUD_WEIGHTS: readonly (readonly [Cloud, number])[] = [
  ['aws', 0.55],
  ['gcp', 0.25],
  ['azure', 0.2],
];

export function isCloud(value: string): value is Cloud {
  return CLOUDS.some((cloud) => cloud === value);
}

/** The cloud whose region list holds `region`, if any. */
export function cloudOfRegion(region: string): Cloud | undefined {
  return CLOUDS.find((cloud) => REGIONS[cloud].includes(region));
}

/** The first environments of an org carry the names most orgs start with. */
export const FIRST_ENVIRONMENT_NAMES = ['production', 'staging', 'development'] as const;

export const DOMAINS = [
  'orders',
  'payments',
  'inventory',
  'shipping',
  'customers',
  'billing',
  'fraud',
  'analytics',
  'marketing',
  'search',
  'logistics',
  'identity',
  'pricing',
  'catalog',
  'notifications',
  'telemetry',
  'risk',
  'ledger',
  'checkout',
  'recommendations',
] as const;

export const ENVIRONMENT_STAGES = ['prod', 'staging', 'dev', 'qa', 'sandbox'] as const;

export const CLUSTER_PURPOSES = [
  'prod',
  'analytics',
  'events',
  'streaming',
  'cdc',
  'ingest',
  'core',
] as const;

export const KSQL_PURPOSES = ['enrichment', 'aggregation', 'streams', 'joins'] as const;

export const POOL_PURPOSES = ['scoring', 'etl', 'analytics', 'dedup', 'windowing'] as const;

export interface ConnectorPlugin {
  suffix: string;
  type: 'source' | 'sink';
  connectorClass: string;
}

export const CONNECTOR_PLUGINS: readonly ConnectorPlugin[] = [
  { suffix: 's3-sink', type: 'sink', connectorClass: 'S3_SINK' },
  { suffix: 'snowflake-sink', type: 'sink', connectorClass: 'SnowflakeSink' },
  { suffix: 'bigquery-sink', type: 'sink', connectorClass: 'BigQueryStorageSink' },
  { suffix: 'elasticsearch-sink', type: 'sink', connectorClass: 'ElasticsearchSink' },
  { suffix: 'http-sink', type: 'sink', connectorClass: 'HttpSinkV2' },
  { suffix: 'mongodb-sink', type: 'sink', connectorClass: 'MongoDbAtlasSink' },
  { suffix: 'pg-cdc-source', type: 'source', connectorClass: 'PostgresCdcSourceV2' },
  { suffix: 'mysql-cdc-source', type: 'source', connectorClass: 'MySqlCdcSourceV2' },
  { suffix: 'datagen-source', type: 'source', connectorClass: 'DatagenSource' },
  { suffix: 'salesforce-source', type: 'source', connectorClass: 'SalesforceCdcSource' },
  { suffix: 'mongodb-source', type: 'source', connectorClass: 'MongoDbAtlasSource' },
  { suffix: 'http-source', type: 'source', connectorClass: 'HttpSourceV2' },
];

/**
 * Plugins a customer uploads and runs as custom connectors; the first is the class of Confluent's recorded custom
 * connector (`connector/custom/read_created_connectors.json`), the others are common open-source connectors.
 */
export const CUSTOM_PLUGINS: readonly ConnectorPlugin[] = [
  {
    suffix: 'datagen-plugin-source',
    type: 'source',
    connectorClass: 'io.confluent.kafka.connect.datagen.DatagenConnector',
  },
  {
    suffix: 'mqtt-plugin-source',
    type: 'source',
    connectorClass: 'io.confluent.connect.mqtt.MqttSourceConnector',
  },
  { suffix: 'jdbc-plugin-sink', type: 'sink', connectorClass: 'io.confluent.connect.jdbc.JdbcSinkConnector' },
  {
    suffix: 'file-plugin-sink',
    type: 'sink',
    connectorClass: 'org.apache.kafka.connect.file.FileStreamSinkConnector',
  },
];

/** `base`, or `base-2`, `base-3`… whichever is not taken yet. */
export function uniqueName(base: string, taken: (name: string) => boolean): string {
  if (!taken(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken(candidate)) return candidate;
  }
}
