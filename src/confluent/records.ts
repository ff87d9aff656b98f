/**
 * What the client returns: the objects as the APIs send them, unknown fields kept. Each record is described once,
 * by the zod shape that checks it at run time (shapes.ts); its type is that shape's output. Connectors arrive as
 * a map keyed by name and become records here.
 */
import type { z } from 'zod';
import type {
  connectorMapShape,
  environmentShape,
  kafkaClusterShape,
  ksqlClusterShape,
  placedClusterShape,
  resourceDescriptorShape,
} from './shapes.js';

/** `GET /org/v2/environments` item: `id` (env-…), `display_name`. */
export type EnvironmentRecord = z.output<typeof environmentShape>;
/** A cluster that names its own place: `id`, `spec.display_name`, `spec.cloud` (upper case), `spec.region`, `spec.environment.id`. */
export type PlacedClusterRecord = z.output<typeof placedClusterShape>;
/** `GET /cmk/v2/clusters` item, `id` lkc-…: a placed cluster with `spec.config.kind` and `spec.config.cku` (Dedicated). */
export type KafkaClusterRecord = z.output<typeof kafkaClusterShape>;
/** `GET /srcm/v3/clusters` item, `id` lsrc-…. */
export type SchemaRegistryClusterRecord = PlacedClusterRecord;
/** `GET /fcpm/v2/compute-pools` item, `id` lfcp-…. */
export type ComputePoolRecord = PlacedClusterRecord;
/** `GET /ksqldbcm/v2/clusters` item: `id` (lksqlc-…), `spec.display_name`, `spec.kafka_cluster.id`; no cloud or region. */
export type KsqlClusterRecord = z.output<typeof ksqlClusterShape>;
/** `GET /v2/metrics/cloud/descriptors/resources` item: `type` (kafka, connector, …) and its labels. */
export type ResourceDescriptorRecord = z.output<typeof resourceDescriptorShape>;

type ConnectorEntry = z.output<typeof connectorMapShape>[string];

/**
 * One connector of `?expand=id,info,status`, with the map key as `name`. `id.id` is the lcc-… (clcc-… for a custom
 * connector) id the Metrics API takes; it may be missing, and then discovery leaves the connector out with a warning.
 * `info.config` holds `cloud.provider` (lower case), `kafka.region` and, on custom connectors,
 * `confluent.connector.type: CUSTOM`.
 */
export interface ConnectorRecord {
  name: string;
  id?: NonNullable<ConnectorEntry['id']>;
  info?: NonNullable<ConnectorEntry['info']>;
  status?: NonNullable<ConnectorEntry['status']>;
}

/** The expanded connector map as records sorted by name (code-unit order, so output bytes are stable). */
export function connectorMapToRecords(map: z.output<typeof connectorMapShape>): ConnectorRecord[] {
  return Object.entries(map)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, c]) => {
      const record: ConnectorRecord = { name };
      if (c.id !== undefined && c.id !== null) record.id = c.id;
      if (c.info !== undefined && c.info !== null) record.info = c.info;
      if (c.status !== undefined && c.status !== null) record.status = c.status;
      return record;
    });
}
