/**
 * The typed Confluent Cloud client: one method per listing discovery needs, each over the transport
 * (transport.ts: openapi-fetch clients, the retry layer, rate gates). Listings return every page or throw;
 * there is no partial result.
 */
import type { z } from 'zod';
import type { Logger } from '../log.js';
import { DEFAULT_MAX_PAGES, extractPageToken, listAllPages, metricsNextToken, type Page } from './paging.js';
import {
  kafkaPointsToPartitionCounts,
  PARTITION_COUNT_QUERY,
  parseKafkaPointPage,
} from './partition-counts.js';
import type { RateGate } from './rate-gate.js';
import {
  type ComputePoolRecord,
  type ConnectorRecord,
  connectorMapToRecords,
  type EnvironmentRecord,
  type KafkaClusterRecord,
  type KsqlClusterRecord,
  type ResourceDescriptorRecord,
  type SchemaRegistryClusterRecord,
} from './records.js';
import type { FetchResult } from './request.js';
import {
  computePoolListShape,
  connectorMapShape,
  environmentListShape,
  kafkaClusterListShape,
  ksqlClusterListShape,
  parseShape,
  resourceDescriptorListShape,
  schemaRegistryClusterListShape,
} from './shapes.js';
import type { ApiStats } from './stats.js';
import { createTransport, type Transport, type TransportOptions } from './transport.js';
import type { CallDescription } from './upstream-error.js';

export interface ConfluentClientOptions extends TransportOptions {
  /** default 100 (the maximum of the management APIs) */
  pageSize?: number;
  /** Pages one listing may take before it is API_BAD_RESPONSE; default 10,000. */
  maxPages?: number;
}

export interface ConfluentClient {
  /** GET /v2/metrics/{dataset}/descriptors/resources (default `cloud`; also `cloud-custom`), every page. */
  listResourceTypes(dataset?: string): Promise<ResourceDescriptorRecord[]>;
  listEnvironments(): Promise<EnvironmentRecord[]>;
  listKafkaClusters(environmentId: string): Promise<KafkaClusterRecord[]>;
  listSchemaRegistryClusters(environmentId: string): Promise<SchemaRegistryClusterRecord[]>;
  listKsqlClusters(environmentId: string): Promise<KsqlClusterRecord[]>;
  listComputePools(environmentId: string): Promise<ComputePoolRecord[]>;
  /** `?expand=id,info,status`, as records sorted by name. */
  listConnectors(environmentId: string, kafkaClusterId: string): Promise<ConnectorRecord[]>;
  /**
   * POST /v2/metrics/cloud/query, every page: partitions per Kafka cluster id (`lkc-…`), for the clusters the
   * Metrics API has a recent point for. Throws like a listing (API_AUTH without MetricsViewer).
   */
  queryPartitionCounts(): Promise<Map<string, number>>;
  /** Requests, retries, 429s, failed attempts and summed request time so far. */
  stats(): ApiStats;
}

const ENVIRONMENTS_PERMISSION =
  'permission to describe environments (Describe:Environment, e.g. OrganizationAdmin)';
const METRICS_PERMISSION = 'the MetricsViewer role (or OrganizationAdmin)';
const environmentPermission = (env: string) =>
  `permission to list the resources of ${env} (e.g. OrganizationAdmin)`;

type EnvironmentScopedPath =
  | '/cmk/v2/clusters'
  | '/srcm/v3/clusters'
  | '/ksqldbcm/v2/clusters'
  | '/fcpm/v2/compute-pools';
type PageQuery = { page_size: number } | { page_token: string };

/** A management API listing: `{metadata: {next}, data: [...]}`. */
type ListShape<T> = z.ZodType<{ data: T[]; metadata?: { next?: string | null } | null }>;

/** One listing, whatever its paging: how to ask for a page and how to read one. */
interface PagedCall<T> extends CallDescription {
  gate: RateGate;
  send(query: PageQuery, signal: AbortSignal): Promise<FetchResult>;
  parse(data: unknown): Page<T>;
}

interface ManagementListing<T> extends CallDescription {
  shape: ListShape<T>;
  send(query: PageQuery, signal: AbortSignal): Promise<FetchResult>;
}

export function createConfluentClient(options: ConfluentClientOptions): ConfluentClient {
  return new HttpConfluentClient(options);
}

class HttpConfluentClient implements ConfluentClient {
  private readonly transport: Transport;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly log: Logger;

  constructor(options: ConfluentClientOptions) {
    this.transport = createTransport(options);
    this.pageSize = options.pageSize ?? 100;
    this.maxPages = options.maxPages ?? DEFAULT_MAX_PAGES;
    this.log = options.log;
  }

  listResourceTypes(dataset = 'cloud'): Promise<ResourceDescriptorRecord[]> {
    return this.listPaged({
      action: `list metrics resource types${dataset === 'cloud' ? '' : ` of ${dataset}`}`,
      endpoint: `GET /v2/metrics/${dataset}/descriptors/resources`,
      permission: METRICS_PERMISSION,
      gate: this.transport.telemetryGate,
      send: (query, signal) =>
        this.transport.telemetry.GET('/v2/metrics/{dataset}/descriptors/resources', {
          params: { path: { dataset }, query },
          signal,
        }),
      parse: (data) => {
        const body = parseShape(resourceDescriptorListShape, data);
        return { items: body.data, nextToken: metricsNextToken(body.meta) };
      },
    });
  }

  async queryPartitionCounts(): Promise<Map<string, number>> {
    const points = await this.listPaged({
      action: 'query kafka partition counts',
      endpoint: 'POST /v2/metrics/cloud/query',
      permission: METRICS_PERMISSION,
      gate: this.transport.telemetryGate,
      // The query pages by `limit` in the body; only the token travels in the query string.
      send: (query, signal) =>
        this.transport.telemetry.POST('/v2/metrics/{dataset}/query', {
          params: { path: { dataset: 'cloud' }, query: 'page_token' in query ? query : {} },
          body: PARTITION_COUNT_QUERY,
          signal,
        }),
      parse: parseKafkaPointPage,
    });
    return kafkaPointsToPartitionCounts(points);
  }

  listEnvironments(): Promise<EnvironmentRecord[]> {
    return this.listManaged({
      action: 'list environments',
      endpoint: 'GET /org/v2/environments',
      permission: ENVIRONMENTS_PERMISSION,
      shape: environmentListShape,
      send: (query, signal) => this.transport.api.GET('/org/v2/environments', { params: { query }, signal }),
    });
  }

  listKafkaClusters(environment: string): Promise<KafkaClusterRecord[]> {
    return this.listInEnvironment('kafka clusters', '/cmk/v2/clusters', kafkaClusterListShape, environment);
  }

  listSchemaRegistryClusters(environment: string): Promise<SchemaRegistryClusterRecord[]> {
    const shape = schemaRegistryClusterListShape;
    return this.listInEnvironment('schema registry clusters', '/srcm/v3/clusters', shape, environment);
  }

  listKsqlClusters(environment: string): Promise<KsqlClusterRecord[]> {
    return this.listInEnvironment(
      'ksqldb clusters',
      '/ksqldbcm/v2/clusters',
      ksqlClusterListShape,
      environment,
    );
  }

  listComputePools(environment: string): Promise<ComputePoolRecord[]> {
    const shape = computePoolListShape;
    return this.listInEnvironment('flink compute pools', '/fcpm/v2/compute-pools', shape, environment);
  }

  listConnectors(environmentId: string, kafkaClusterId: string): Promise<ConnectorRecord[]> {
    return this.transport.requester.run({
      action: `list connectors of ${kafkaClusterId} in ${environmentId}`,
      endpoint: `GET /connect/v1/environments/${environmentId}/clusters/${kafkaClusterId}/connectors`,
      permission: environmentPermission(environmentId),
      gate: this.transport.apiGate,
      send: (signal) =>
        this.transport.api.GET(
          '/connect/v1/environments/{environment_id}/clusters/{kafka_cluster_id}/connectors',
          {
            params: {
              path: { environment_id: environmentId, kafka_cluster_id: kafkaClusterId },
              query: { expand: 'id,info,status' },
            },
            signal,
          },
        ),
      // A cluster without connectors may answer `[]` (the shape of the un-expanded listing); that is no connector.
      parse: (data) =>
        connectorMapToRecords(
          parseShape(connectorMapShape, Array.isArray(data) && data.length === 0 ? {} : data),
        ),
    });
  }

  stats(): ApiStats {
    return this.transport.requester.stats();
  }

  /** Every page of a listing, each page one call of the retry layer. */
  private listPaged<T>(call: PagedCall<T>): Promise<T[]> {
    return listAllPages<T>(
      (token) =>
        this.transport.requester.run({
          ...call,
          send: (signal) =>
            call.send(token === undefined ? { page_size: this.pageSize } : { page_token: token }, signal),
        }),
      { action: call.action, log: this.log, maxPages: this.maxPages },
    );
  }

  /** A management API listing, paged by `metadata.next`. */
  private listManaged<T>(listing: ManagementListing<T>): Promise<T[]> {
    return this.listPaged({
      ...listing,
      gate: this.transport.apiGate,
      parse: (data) => {
        const list = parseShape(listing.shape, data);
        return { items: list.data, nextToken: extractPageToken(list.metadata?.next) };
      },
    });
  }

  private listInEnvironment<T>(
    what: string,
    path: EnvironmentScopedPath,
    shape: ListShape<T>,
    environment: string,
  ): Promise<T[]> {
    return this.listManaged({
      action: `list ${what} in ${environment}`,
      endpoint: `GET ${path}`,
      permission: environmentPermission(environment),
      shape,
      send: (query, signal) =>
        this.transport.api.GET(path, { params: { query: { environment, ...query } }, signal }),
    });
  }
}
