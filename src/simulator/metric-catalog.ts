/**
 * The metrics the simulator exports per resource type, named like the Metrics API's exportable metrics, with
 * values that are stable within a minute (derived from id, metric and minute) or taken from the org record.
 */
import { type Labels, legacyTopics, perPartition, perTopic } from './kafka-series.js';
import type { IndexEntry, KafkaSize } from './org.js';
import { hashString } from './random.js';
import type { SimResourceType } from './resource-types.js';

/**
 * A Kafka cluster's size when the export emits series in proportion to it (under limits), else undefined: the
 * small legacy shape.
 */
export type SeriesSize = KafkaSize | undefined;

export interface MetricDef {
  /** The Metrics API name, `io.confluent.kafka.server/received_bytes`. */
  name: string;
  description: string;
  type: SimResourceType;
  unit: string;
  /** Extra label sets per resource (e.g. one per topic); one empty set when the metric has no extra labels. */
  series(entry: IndexEntry, size: SeriesSize): Iterable<Labels>;
  value(entry: IndexEntry, labels: Labels, minute: number, size: SeriesSize): number;
}

/** `io.confluent.kafka.server/received_bytes` → `confluent_kafka_server_received_bytes`. */
export function exportName(name: string): string {
  return name.replace(/^io\.confluent\./, 'confluent_').replace(/[./]/g, '_');
}

/** The resource label the export output uses per type (`kafka_id`…), the param name without `resource.`. */
export function resourceLabel(type: SimResourceType): string {
  return `${type}_id`;
}

const none = (): Labels[] => [{}];

/** Source connectors write records to Kafka, sinks read them: each reports only its side. */
const connectorOfType =
  (type: 'source' | 'sink') =>
  (entry: IndexEntry): Labels[] =>
    (entry.kind === 'connector' || entry.kind === 'custom_connector') && entry.record.type === type
      ? [{}]
      : [];

function noisy(max: number) {
  return (entry: IndexEntry, labels: Labels, minute: number, name = ''): number => {
    const partition = labels.partition === undefined ? '' : `|${labels.partition}`;
    return hashString(`${name}|${entry.record.id}|${labels.topic ?? ''}${partition}|${minute}`) % max;
  };
}

/** Per topic: the few legacy topics, or every topic of the cluster's size. */
function topicsOf(entry: IndexEntry, size: SeriesSize): Iterable<Labels> {
  if (entry.kind !== 'kafka') return [{}];
  if (!size) return legacyTopics(entry.record).map((topic) => ({ topic }));
  return perTopic(entry.record, size);
}

/** Per topic and partition when sized (`retained_bytes` has both labels); the legacy shape has topics only. */
function partitionsOf(entry: IndexEntry, size: SeriesSize): Iterable<Labels> {
  if (entry.kind !== 'kafka' || !size) return topicsOf(entry, size);
  return perPartition(entry.record, size);
}

function def(
  name: string,
  type: SimResourceType,
  description: string,
  unit: string,
  value: MetricDef['value'],
  series: MetricDef['series'] = none,
): MetricDef {
  return { name, type, description, unit, series, value };
}

const bytes = noisy(50_000_000);
const records = noisy(200_000);

/**
 * A connector's metrics, for managed connectors (`cloud`) and custom ones (`cloud-custom`, with
 * `custom_connector_id`). The reference names the dataset and the parameter, not the metrics of custom
 * connectors [U]: they are modelled as the managed ones' records metrics.
 */
function connectorMetrics(type: 'connector' | 'custom_connector'): MetricDef[] {
  return [
    def(
      'io.confluent.kafka.connect/sent_records',
      type,
      'The delta count of total number of records sent from the transformations and written to Kafka for the source connector.',
      '1',
      (e, l, m) => records(e, l, m, 'sent'),
      connectorOfType('source'),
    ),
    def(
      'io.confluent.kafka.connect/received_records',
      type,
      'The delta count of total number of records received by the sink connector.',
      '1',
      (e, l, m) => records(e, l, m, 'recv'),
      connectorOfType('sink'),
    ),
    def(
      'io.confluent.kafka.connect/dead_letter_queue_records',
      type,
      'The delta count of dead letter queue records written to Kafka for the sink connector.',
      '1',
      (e, l, m) => noisy(5)(e, l, m, 'dlq'),
      connectorOfType('sink'),
    ),
  ];
}

export const METRICS: readonly MetricDef[] = [
  def(
    'io.confluent.kafka.server/received_bytes',
    'kafka',
    "The delta count of bytes of the customer's data received from the network.",
    'By',
    (e, l, m) => bytes(e, l, m, 'rx'),
    topicsOf,
  ),
  def(
    'io.confluent.kafka.server/sent_bytes',
    'kafka',
    "The delta count of bytes of the customer's data sent over the network.",
    'By',
    (e, l, m) => bytes(e, l, m, 'tx'),
    topicsOf,
  ),
  def(
    'io.confluent.kafka.server/retained_bytes',
    'kafka',
    'The current count of bytes retained by the cluster.',
    'By',
    (e, l, m) => 1e9 + bytes(e, l, Math.floor(m / 60), 'ret'),
    partitionsOf,
  ),
  def(
    'io.confluent.kafka.server/partition_count',
    'kafka',
    'The number of partitions.',
    '1',
    (e, _l, _m, size) => size?.partitions ?? 6 + (hashString(e.record.id) % 120),
  ),
  def(
    'io.confluent.kafka.server/active_connection_count',
    'kafka',
    'The count of active authenticated connections.',
    '1',
    (e, l, m) => 10 + noisy(300)(e, l, m, 'conn'),
  ),
  ...connectorMetrics('connector'),
  def(
    'io.confluent.kafka.ksql/streaming_unit_count',
    'ksql',
    'The count of Confluent Streaming Units (CSUs) for this KSQL instance.',
    '1',
    (e) => (e.kind === 'ksql' ? e.record.csu : 1),
  ),
  def(
    'io.confluent.kafka.ksql/query_saturation',
    'ksql',
    'The maximum saturation for a given ksqlDB query across all nodes.',
    '1',
    (e, l, m) => noisy(100)(e, l, m, 'sat') / 100,
  ),
  def(
    'io.confluent.kafka.schema_registry/schema_count',
    'schema_registry',
    'Number of active schemas.',
    '1',
    (e) => 20 + (hashString(e.record.id) % 400),
  ),
  def(
    'io.confluent.kafka.schema_registry/request_count',
    'schema_registry',
    'The delta count of requests received by the schema registry server.',
    '1',
    (e, l, m) => noisy(5000)(e, l, m, 'req'),
  ),
  def(
    'io.confluent.flink/compute_pool_utilization/current_cfus',
    'compute_pool',
    'The absolute number of CFUs at a given moment.',
    '1',
    (e) => (e.kind === 'compute_pool' ? e.record.currentCfu : 0),
  ),
  def(
    'io.confluent.flink/compute_pool_utilization/cfu_limit',
    'compute_pool',
    'The possible max number of CFUs for the pool.',
    '1',
    (e) => (e.kind === 'compute_pool' ? e.record.maxCfu : 0),
  ),
  ...connectorMetrics('custom_connector'),
];

/** Per resource type, in the order the Metrics API lists them: its description and that of its `<type>.id` label. */
export const RESOURCE_DESCRIPTORS: Readonly<Record<SimResourceType, { description: string; label: string }>> =
  {
    kafka: { description: 'A Kafka cluster.', label: 'ID of the kafka cluster' },
    connector: { description: 'A Kafka Connector.', label: 'ID of the connector' },
    ksql: { description: 'A ksqlDB application.', label: 'ID of the ksqlDB application' },
    schema_registry: { description: 'A schema registry.', label: 'ID of the schema registry' },
    compute_pool: { description: 'A Flink compute pool.', label: 'ID of the Flink compute pool' },
    custom_connector: { description: 'A custom connector.', label: 'ID of the custom connector' },
  };
