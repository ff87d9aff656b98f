/**
 * What the client returns: the objects as the APIs send them (all fields kept), typed by the project's own
 * OpenAPI specs in openapi/. The fields discovery reads are checked at run time by shapes.ts. Connectors arrive
 * as a map keyed by name and become records here.
 */
import type { z } from 'zod';
import type { components as Cmk } from './generated/cmk-v2.js';
import type { components as Connect } from './generated/connect-v1.js';
import type { components as Fcpm } from './generated/fcpm-v2.js';
import type { components as Ksql } from './generated/ksqldbcm-v2.js';
import type { components as Metrics } from './generated/metrics-v2.js';
import type { components as Org } from './generated/org-v2.js';
import type { components as Srcm } from './generated/srcm-v3.js';
import type { connectorMapShape } from './shapes.js';

/** `GET /org/v2/environments` item: `id` (env-…), `display_name`. */
export type EnvironmentRecord = Org['schemas']['Environment'];
/** `GET /cmk/v2/clusters` item: `id` (lkc-…), `spec.display_name`, `spec.cloud` (upper case), `spec.region`, `spec.environment.id`. */
export type KafkaClusterRecord = Cmk['schemas']['KafkaCluster'];
/** `GET /srcm/v3/clusters` item: `id` (lsrc-…), `spec.display_name`, `spec.cloud`, `spec.region`, `spec.environment.id`. */
export type SchemaRegistryClusterRecord = Srcm['schemas']['SchemaRegistryCluster'];
/** `GET /ksqldbcm/v2/clusters` item: `id` (lksqlc-…), `spec.display_name`, `spec.kafka_cluster.id`; no cloud or region. */
export type KsqlClusterRecord = Ksql['schemas']['KsqlCluster'];
/** `GET /fcpm/v2/compute-pools` item: `id` (lfcp-…), `spec.display_name`, `spec.cloud`, `spec.region`. */
export type ComputePoolRecord = Fcpm['schemas']['ComputePool'];
/** `GET /v2/metrics/cloud/descriptors/resources` item: `type` (kafka, connector, …) and its labels. */
export type ResourceDescriptorRecord = Metrics['schemas']['ResourceDescriptor'];

type ConnectorExpansion = Connect['schemas']['ConnectorExpansion'];

/**
 * One connector of `?expand=id,info,status`, with the map key as `name`. `id.id` is the lcc-… id the Metrics
 * API takes; `info.config` holds `cloud.provider` (lower case) and `kafka.region`.
 */
export interface ConnectorRecord {
  name: string;
  id: ConnectorExpansion['id'];
  info?: ConnectorExpansion['info'];
  status?: ConnectorExpansion['status'];
}

/** The expanded connector map as records sorted by name (code-unit order, so output bytes are stable). */
export function connectorMapToRecords(map: z.output<typeof connectorMapShape>): ConnectorRecord[] {
  return Object.keys(map)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((name) => {
      const c = map[name]!;
      const record: ConnectorRecord = { name, id: c.id };
      if (c.info !== undefined) record.info = c.info as ConnectorRecord['info'];
      if (c.status !== undefined) record.status = c.status as ConnectorRecord['status'];
      return record;
    });
}
