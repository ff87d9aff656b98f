/**
 * The Confluent Cloud simulator (DESIGN §8): control plane, Metrics API and the `/_sim/` admin API on one port,
 * over plain node:http so a `timeout` fault can hold a request and then destroy its socket.
 */
import http from 'node:http';
import { AppError } from '../errors.js';
import { createSilentLogger, type Logger } from '../log.js';
import { listKafkaSizes } from './kafka-size.js';
import type { OrgSizes, SimulatedOrg } from './org.js';
import { generateOrg } from './org-generator.js';
import { OrgStore } from './org-store.js';
import { SimulatorHandler } from './request-handler.js';
import { type RuntimeConfig, RuntimeSettings } from './sim-config.js';
import { type SimulatorStats, StatsRecorder } from './stats.js';

export type { MetricsLimitsName } from './metrics-limits.js';
export type { FaultKind, RuntimeConfig } from './sim-config.js';
export type { SimulatorStats } from './stats.js';

export interface SimulatorOptions extends Partial<OrgSizes>, Partial<RuntimeConfig> {
  seed?: number;
  /** Organisations served, each generated with its own seed and reached with its own key (default 1). */
  organizations?: number;
  apiKey?: string;
  apiSecret?: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  log?: Logger;
  /** Milliseconds since the epoch; tests pass a fake clock to expire page tokens or pin rate windows. */
  clock?: () => number;
}

/** One organisation of a running simulator and the API key that reaches it. */
export interface SimOrganization {
  apiKey: string;
  apiSecret: string;
  org: SimulatedOrg;
  store: OrgStore;
}

export interface RunningSimulator {
  /** `http://127.0.0.1:<port>`, no trailing slash. */
  url: string;
  port: number;
  /** The live organisation (the admin API changes it). Change it only through `store` or the admin API. */
  org: SimulatedOrg;
  store: OrgStore;
  /** Every organisation with its key, the first being `org` (`--organizations`). */
  organizations: SimOrganization[];
  stats(): SimulatorStats;
  resetStats(): SimulatorStats;
  config(): RuntimeConfig;
  /** Throws AppError USAGE when a value is out of range. */
  setConfig(partial: Partial<RuntimeConfig>): void;
  /** Forgets the Metrics API's request windows and `/export` budgets (like `POST /_sim/limits/reset`). */
  resetLimits(): void;
  /** Every Kafka cluster's kind, CKU, topics and partitions, and their sums (like `GET /_sim/kafka-sizes`). */
  kafkaSizes(): ReturnType<typeof listKafkaSizes>;
  /** Stops listening and ends every open connection at once, held `timeout` faults included. */
  close(): Promise<void>;
}

/** The runtime settings among the options; every key named, so a new setting cannot be forgotten here. */
function runtimeOptions(o: SimulatorOptions): { [K in keyof RuntimeConfig]: RuntimeConfig[K] | undefined } {
  return {
    faultRate: o.faultRate,
    faultKinds: o.faultKinds,
    latencyMs: o.latencyMs,
    rateLimit: o.rateLimit,
    pageTokenTtlMs: o.pageTokenTtlMs,
    faultTimeoutMs: o.faultTimeoutMs,
    metricsLimits: o.metricsLimits,
    timeScale: o.timeScale,
    resourceDescriptors: o.resourceDescriptors,
    schemaRegistryUnavailable: o.schemaRegistryUnavailable,
    forbiddenEnvironments: o.forbiddenEnvironments,
    deleteAfterListing: o.deleteAfterListing,
  };
}

/** The org sizes among the options, without the ones left out (they keep their defaults). */
function orgSizes(o: SimulatorOptions): Partial<OrgSizes> {
  const sizes: Partial<OrgSizes> = {};
  for (const k of [
    'environments',
    'kafkaPerEnv',
    'connectorsPerCluster',
    'ksqlPerEnv',
    'computePoolsPerEnv',
    'customConnectorsPerEnv',
  ] as const) {
    if (o[k] !== undefined) sizes[k] = o[k];
  }
  if (o.schemaRegistry !== undefined) sizes.schemaRegistry = o.schemaRegistry;
  return sizes;
}

/** The largest `--organizations`. */
export const MAX_ORGANIZATIONS = 100;

/**
 * Organisation 1 has the seed and the key given; organisation n > 1 has seed + n - 1 and the key and secret with
 * `-n` appended (`sim-key-2` / `sim-secret-2`), so each is reproducible alone.
 */
function createOrganizations(
  options: SimulatorOptions,
  seed: number,
  clock: () => number,
): SimOrganization[] {
  const count = options.organizations ?? 1;
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_ORGANIZATIONS))
    throw new AppError(
      'USAGE',
      `start simulator: organizations must be an integer from 1 to ${MAX_ORGANIZATIONS}`,
    );
  const key = options.apiKey ?? 'sim-key';
  const secret = options.apiSecret ?? 'sim-secret';
  return Array.from({ length: count }, (_, i) => {
    const store = new OrgStore(generateOrg((seed + i) % 2 ** 32, orgSizes(options)), clock);
    const suffix = i === 0 ? '' : `-${i + 1}`;
    return { apiKey: key + suffix, apiSecret: secret + suffix, org: store.org, store };
  });
}

/** Listens on `host:port`; resolves with the port bound (the one asked for, or a free one for 0). */
function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    server.once('error', (err) =>
      reject(
        new AppError('USAGE', `start simulator: listen on ${host}:${port}: ${err.message}`, { cause: err }),
      ),
    );
    server.listen(port, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') reject(new Error('simulator: not a TCP address'));
      else resolve(address.port);
    });
  });
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const settings = new RuntimeSettings();
  const problems = settings.update(runtimeOptions(options));
  if (problems.length > 0) throw new AppError('USAGE', `start simulator: ${problems.join('; ')}`);
  const clock = options.clock ?? Date.now;
  const seed = options.seed ?? 1;
  const organizations = createOrganizations(options, seed, clock);
  const store = organizations[0]!.store;
  const stats = new StatsRecorder(clock, () => settings.value.timeScale);
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer();
  const port = await listen(server, host, options.port ?? 0);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const handler = new SimulatorHandler({
    tenants: organizations,
    stats,
    settings,
    seed,
    clock,
    log: options.log ?? createSilentLogger(),
    url,
  });
  // Attached before this turn ends, so before node:http can hand over the first request.
  server.on('request', handler.listener);
  return {
    url,
    port,
    org: store.org,
    store,
    organizations,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    resetLimits: () => handler.resetLimits(),
    kafkaSizes: () => listKafkaSizes(store.org),
    config: () => settings.snapshot(),
    setConfig(partial) {
      const problems = settings.update(partial);
      if (problems.length > 0) throw new AppError('USAGE', `configure simulator: ${problems.join('; ')}`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        handler.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
