/**
 * The typed Confluent Cloud client: openapi-fetch over the types generated from openapi/, one client per base
 * URL (control plane and Metrics API), all calls through one retry layer (request.ts) that shares one
 * concurrency limit. Listings return every page or throw; there is no partial result.
 */
import createClient from 'openapi-fetch';
import type { z } from 'zod';
import type { Logger } from '../log.js';
import type { paths as CmkPaths } from './generated/cmk-v2.js';
import type { paths as ConnectPaths } from './generated/connect-v1.js';
import type { paths as FcpmPaths } from './generated/fcpm-v2.js';
import type { paths as KsqlPaths } from './generated/ksqldbcm-v2.js';
import type { paths as MetricsPaths } from './generated/metrics-v2.js';
import type { paths as OrgPaths } from './generated/org-v2.js';
import type { paths as SrcmPaths } from './generated/srcm-v3.js';
import { extractPageToken, listAllPages } from './paging.js';
import { createRateGate, type RateGate } from './rate-gate.js';
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
import { createRequester, type FetchResult } from './request.js';
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

export interface ConfluentClientOptions {
  apiUrl: string;
  telemetryUrl: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs: number;
  concurrency: number;
  retries: number;
  log: Logger;
  signal?: AbortSignal;
  /** default 500 */
  minBackoffMs?: number;
  /** default 30000 */
  maxBackoffMs?: number;
  /** default 100 (the maximum of the management APIs) */
  pageSize?: number;
  fetch?: typeof fetch;
}

export interface ConfluentClient {
  /** GET /v2/metrics/cloud/descriptors/resources, every page. */
  listResourceTypes(): Promise<ResourceDescriptorRecord[]>;
  listEnvironments(): Promise<EnvironmentRecord[]>;
  listKafkaClusters(environmentId: string): Promise<KafkaClusterRecord[]>;
  listSchemaRegistryClusters(environmentId: string): Promise<SchemaRegistryClusterRecord[]>;
  listKsqlClusters(environmentId: string): Promise<KsqlClusterRecord[]>;
  listComputePools(environmentId: string): Promise<ComputePoolRecord[]>;
  /** `?expand=id,info,status`, as records sorted by name. */
  listConnectors(environmentId: string, kafkaClusterId: string): Promise<ConnectorRecord[]>;
  /** Requests, retries, 429s, failed attempts and summed request time so far. */
  stats(): ApiStats;
}

const ENVIRONMENTS_PERMISSION =
  'permission to describe environments (Describe:Environment, e.g. OrganizationAdmin)';
const METRICS_PERMISSION = 'the MetricsViewer role (or OrganizationAdmin)';
const environmentPermission = (environmentId: string) =>
  `read access to environment ${environmentId} (e.g. EnvironmentAdmin on ${environmentId}, or OrganizationAdmin)`;

type ControlPlanePaths = OrgPaths & CmkPaths & SrcmPaths & KsqlPaths & FcpmPaths & ConnectPaths;
type ListShape = z.ZodType<{ data: unknown[]; metadata?: { next?: string | null } | null }>;

interface PagedListing {
  action: string;
  endpoint: string;
  permission: string;
  shape: ListShape;
  send(query: PageQuery, signal: AbortSignal): Promise<FetchResult>;
}

type PageQuery = { page_size: number } | { page_token: string };

export function basicAuthHeader(apiKey: string, apiSecret: string): string {
  return `Basic ${Buffer.from(`${apiKey}:${apiSecret}`, 'utf8').toString('base64')}`;
}

export function createConfluentClient(options: ConfluentClientOptions): ConfluentClient {
  const clientOptions = {
    headers: {
      Authorization: basicAuthHeader(options.apiKey, options.apiSecret),
      Accept: 'application/json',
    },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const api = createClient<ControlPlanePaths>({ baseUrl: options.apiUrl, ...clientOptions });
  const telemetry = createClient<MetricsPaths>({ baseUrl: options.telemetryUrl, ...clientOptions });
  const requester = createRequester({
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    concurrency: options.concurrency,
    minBackoffMs: options.minBackoffMs ?? 500,
    maxBackoffMs: options.maxBackoffMs ?? 30_000,
    log: options.log,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // Rate limits belong to a host; when both URLs name the same host they share one gate.
  const gates = new Map<string, RateGate>();
  const gateFor = (url: string): RateGate => {
    const origin = new URL(url).origin;
    const gate = gates.get(origin) ?? createRateGate({ threshold: options.concurrency });
    gates.set(origin, gate);
    return gate;
  };
  const apiGate = gateFor(options.apiUrl);
  const telemetryGate = gateFor(options.telemetryUrl);
  const pageSize = options.pageSize ?? 100;
  const pageQuery = (token: string | undefined): PageQuery =>
    token === undefined ? { page_size: pageSize } : { page_token: token };

  function listPaged<T>(listing: PagedListing): Promise<T[]> {
    const { action, endpoint, permission } = listing;
    return listAllPages<T>(
      (token) =>
        requester.run({
          action,
          endpoint,
          permission,
          gate: apiGate,
          send: (signal) => listing.send(pageQuery(token), signal),
          parse: (data) => {
            const list = parseShape(listing.shape, data);
            return { items: list.data as T[], nextToken: extractPageToken(list.metadata?.next) };
          },
        }),
      { action, log: options.log },
    );
  }

  function listInEnvironment<T>(
    what: string,
    path: '/cmk/v2/clusters' | '/srcm/v3/clusters' | '/ksqldbcm/v2/clusters' | '/fcpm/v2/compute-pools',
    shape: ListShape,
    environment: string,
  ): Promise<T[]> {
    return listPaged<T>({
      action: `list ${what} in ${environment}`,
      endpoint: `GET ${path}`,
      permission: environmentPermission(environment),
      shape,
      send: (query, signal) => api.GET(path, { params: { query: { environment, ...query } }, signal }),
    });
  }

  return {
    listResourceTypes() {
      const action = 'list metrics resource types';
      return listAllPages<ResourceDescriptorRecord>(
        (token) =>
          requester.run({
            action,
            endpoint: 'GET /v2/metrics/cloud/descriptors/resources',
            permission: METRICS_PERMISSION,
            gate: telemetryGate,
            send: (signal) =>
              telemetry.GET('/v2/metrics/{dataset}/descriptors/resources', {
                params: { path: { dataset: 'cloud' }, query: pageQuery(token) },
                signal,
              }),
            parse: (data) => {
              const body = parseShape(resourceDescriptorListShape, data);
              const next = body.meta?.pagination?.next_page_token;
              return { items: body.data as ResourceDescriptorRecord[], nextToken: next ? next : undefined };
            },
          }),
        { action, log: options.log },
      );
    },
    listEnvironments() {
      return listPaged<EnvironmentRecord>({
        action: 'list environments',
        endpoint: 'GET /org/v2/environments',
        permission: ENVIRONMENTS_PERMISSION,
        shape: environmentListShape,
        send: (query, signal) => api.GET('/org/v2/environments', { params: { query }, signal }),
      });
    },
    listKafkaClusters: (env) =>
      listInEnvironment('kafka clusters', '/cmk/v2/clusters', kafkaClusterListShape, env),
    listSchemaRegistryClusters: (env) =>
      listInEnvironment('schema registry clusters', '/srcm/v3/clusters', schemaRegistryClusterListShape, env),
    listKsqlClusters: (env) =>
      listInEnvironment('ksqldb clusters', '/ksqldbcm/v2/clusters', ksqlClusterListShape, env),
    listComputePools: (env) =>
      listInEnvironment('flink compute pools', '/fcpm/v2/compute-pools', computePoolListShape, env),
    listConnectors(environmentId, kafkaClusterId) {
      return requester.run({
        action: `list connectors of ${kafkaClusterId} in ${environmentId}`,
        endpoint: `GET /connect/v1/environments/${environmentId}/clusters/${kafkaClusterId}/connectors`,
        permission: environmentPermission(environmentId),
        gate: apiGate,
        send: (signal) =>
          api.GET('/connect/v1/environments/{environment_id}/clusters/{kafka_cluster_id}/connectors', {
            params: {
              path: { environment_id: environmentId, kafka_cluster_id: kafkaClusterId },
              query: { expand: 'id,info,status' },
            },
            signal,
          }),
        // A cluster without connectors may answer `[]` (the shape of the un-expanded listing); that is no connector.
        parse: (data) =>
          connectorMapToRecords(
            parseShape(connectorMapShape, Array.isArray(data) && data.length === 0 ? {} : data),
          ),
      });
    },
    stats: () => requester.stats(),
  };
}
