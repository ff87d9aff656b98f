/**
 * How the client reaches Confluent Cloud: one openapi-fetch client per base URL (control plane and Metrics
 * API) carrying the credentials, one retry layer that shares one concurrency limit, one rate gate per API.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { ProxyConfig } from '../config/proxy.js';
import type { Logger } from '../log.js';
import { VERSION } from '../version.js';
import { DEFAULT_MAX_RESPONSE_BYTES, withBodyLimit } from './body-limit.js';
import type { paths as CmkPaths } from './generated/cmk-v2.js';
import type { paths as ConnectPaths } from './generated/connect-v1.js';
import type { paths as FcpmPaths } from './generated/fcpm-v2.js';
import type { paths as KsqlPaths } from './generated/ksqldbcm-v2.js';
import type { paths as MetricsPaths } from './generated/metrics-v2.js';
import type { paths as OrgPaths } from './generated/org-v2.js';
import type { paths as SrcmPaths } from './generated/srcm-v3.js';
import { createFetchFor } from './proxy-fetch.js';
import { createRateGate, type RateGate } from './rate-gate.js';
import { createRedactor } from './redact.js';
import { createRequester, type Requester } from './request.js';

export type ControlPlanePaths = OrgPaths & CmkPaths & SrcmPaths & KsqlPaths & FcpmPaths & ConnectPaths;

export interface TransportOptions {
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
  /** Bytes one response body may have, counted as it streams; default 32 MiB. */
  maxResponseBytes?: number;
  /** A fetch of the test's own (the proxy is not used then). */
  fetch?: typeof fetch;
  /** HTTPS_PROXY / HTTP_PROXY / NO_PROXY, decided per base URL. */
  proxy?: ProxyConfig;
}

export interface Transport {
  api: Client<ControlPlanePaths>;
  telemetry: Client<MetricsPaths>;
  requester: Requester;
  apiGate: RateGate;
  telemetryGate: RateGate;
}

export function basicAuthHeader(apiKey: string, apiSecret: string): string {
  return `Basic ${Buffer.from(`${apiKey}:${apiSecret}`, 'utf8').toString('base64')}`;
}

/** Builds the clients, the retry layer and the gates; sends nothing. */
export function createTransport(options: TransportOptions): Transport {
  const headers = {
    Authorization: basicAuthHeader(options.apiKey, options.apiSecret),
    Accept: 'application/json',
    'User-Agent': `confluent-sd/${VERSION}`,
  };
  const clientOptions = (baseUrl: string) => {
    const setup = options.fetch ? { fetch: options.fetch } : createFetchFor(baseUrl, options.proxy);
    const limited = withBodyLimit(setup.fetch, options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
    return { baseUrl, headers, fetch: limited, ...(setup.Request ? { Request: setup.Request } : {}) };
  };
  const requester = createRequester({
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    concurrency: options.concurrency,
    minBackoffMs: options.minBackoffMs ?? 500,
    maxBackoffMs: options.maxBackoffMs ?? 30_000,
    log: options.log,
    redact: createRedactor(options.apiKey, options.apiSecret),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  // Each API has limits of its own (the Metrics API's rateLimit-* count only Metrics API calls, reference §4),
  // so each gets its gate even when both URLs name one host (the simulator serves both).
  return {
    api: createClient<ControlPlanePaths>(clientOptions(options.apiUrl)),
    telemetry: createClient<MetricsPaths>(clientOptions(options.telemetryUrl)),
    requester,
    apiGate: createRateGate({ threshold: options.concurrency }),
    telemetryGate: createRateGate({ threshold: options.concurrency }),
  };
}
