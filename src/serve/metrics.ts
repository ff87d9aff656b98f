/**
 * The server's Prometheus metrics (names fixed: alert rules in k8s/prometheus depend on them). Request metrics are
 * recorded per response; the document and publish metrics are computed at scrape time from the cache's state.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Metric, Registry } from 'prom-client';
import type { ConnectionStats } from './connection-guard.js';
import { registerDiscoveryGauges } from './discovery-metrics.js';
import type { DocumentCache } from './document-cache.js';
import { registerPlanGauges } from './plan-metrics.js';

export interface ServeMetrics {
  registry: Registry;
  observeRequest(route: string, method: string, status: number, seconds: number): void;
}

export interface ServeMetricsOptions {
  version: string;
  documents: DocumentCache;
  now: () => Date;
  /** The connection guard's counts; undefined before the server exists. */
  connections?: () => ConnectionStats | undefined;
}

function secondsOf(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

type ObserveRequest = ServeMetrics['observeRequest'];

/** The per-response metrics: a counter by route, method and status, and a latency histogram by route. */
function registerRequestMetrics(registers: Registry[]): ObserveRequest {
  const requests = new Counter({
    name: 'confluent_sd_http_requests_total',
    help: 'HTTP responses by route, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'confluent_sd_http_request_duration_seconds',
    help: 'Time from request to response, by route',
    labelNames: ['route'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers,
  });
  return (route, method, status, seconds) => {
    requests.inc({ route, method, status: String(status) });
    duration.observe({ route }, seconds);
  };
}

function registerBuildInfo(registers: Registry[], version: string): void {
  new Gauge({
    name: 'confluent_sd_build_info',
    help: 'Always 1; the version label says which build runs',
    labelNames: ['version'] as const,
    registers,
  }).set({ version }, 1);
}

/** What the cache serves right now: the number of documents and the resources per type. */
function registerDocumentGauges(registers: Registry[], documents: DocumentCache): void {
  new Gauge({
    name: 'confluent_sd_documents_loaded',
    help: 'Documents held in memory and served',
    registers,
    collect() {
      this.set(documents.current()?.byName.size ?? 0);
    },
  });
  new Gauge({
    name: 'confluent_sd_resources',
    help: 'Resources per type in the snapshot being served',
    labelNames: ['type'] as const,
    registers,
    collect() {
      this.reset();
      const byType = documents.current()?.manifest.resources.byType ?? {};
      for (const [type, n] of Object.entries(byType)) this.set({ type }, n);
    },
  });
}

/**
 * A label-less gauge that has no sample at all while `pick` answers undefined: a prom-client Gauge always shows a
 * value, and 0 would read as "just now" for a timestamp the publisher has not recorded yet.
 */
function registerOptionalGauge(
  registry: Registry,
  name: string,
  help: string,
  pick: () => number | undefined,
): void {
  const head = { name, help, type: 'gauge', aggregator: 'sum' } as const;
  const get = async () => {
    const v = pick();
    return { ...head, values: v === undefined ? [] : [{ value: v, labels: {} }] };
  };
  registry.registerMetric({ ...head, get, reset() {} } as unknown as Metric);
}

/** The publish-age metrics, from the timestamps and outcome of status.json. */
function registerStatusGauges(registry: Registry, documents: DocumentCache, now: () => Date): void {
  const status = () => documents.state().status;
  const since = (t: number | undefined) =>
    t === undefined ? undefined : Math.max(0, now().getTime() / 1000 - t);
  const gauges: [string, string, () => number | undefined][] = [
    [
      'confluent_sd_last_success_timestamp_seconds',
      'When the last publish run succeeded (status.json)',
      () => secondsOf(status()?.lastSuccessAt),
    ],
    [
      'confluent_sd_last_failure_timestamp_seconds',
      'When the last publish run failed (status.json)',
      () => secondsOf(status()?.lastFailureAt),
    ],
    [
      'confluent_sd_seconds_since_last_success',
      'Seconds since the last successful publish run',
      () => since(secondsOf(status()?.lastSuccessAt)),
    ],
    [
      'confluent_sd_seconds_since_last_failure',
      'Seconds since the last failed publish run',
      () => since(secondsOf(status()?.lastFailureAt)),
    ],
    [
      'confluent_sd_last_run_failed',
      '1 when the last publish run failed or was refused by a guard',
      () => {
        const s = status();
        if (!s) return undefined;
        return s.outcome === 'failed' || s.outcome === 'refused' ? 1 : 0;
      },
    ],
  ];
  for (const [name, help, pick] of gauges) registerOptionalGauge(registry, name, help, pick);
}

/** The cache counts reloads and failures; these counters mirror its counts at scrape time. */
function registerReloadCounters(registers: Registry[], documents: DocumentCache): void {
  const counters: [string, string, () => number][] = [
    ['confluent_sd_reloads_total', 'Document sets loaded from the store', () => documents.state().reloads],
    [
      'confluent_sd_reload_failures_total',
      'Reloads that failed (store unreachable, bad manifest, sha256 mismatch)',
      () => documents.state().reloadFailures,
    ],
  ];
  for (const [name, help, pick] of counters) {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        this.inc(pick());
      },
    });
  }
}

/** What the connection caps did (connection-guard.ts), read at scrape time. */
function registerConnectionMetrics(registers: Registry[], stats: () => ConnectionStats | undefined): void {
  new Gauge({
    name: 'confluent_sd_connections_open',
    help: 'Open client connections',
    registers,
    collect() {
      this.set(stats()?.open ?? 0);
    },
  });
  new Counter({
    name: 'confluent_sd_connections_refused_total',
    help: 'New connections refused at a cap with every connection busy, by cap (per_client, total)',
    labelNames: ['reason'] as const,
    registers,
    collect() {
      this.reset();
      this.inc({ reason: 'per_client' }, stats()?.refusedPerClient ?? 0);
      this.inc({ reason: 'total' }, stats()?.refusedTotal ?? 0);
    },
  });
  const counters: [string, string, (s: ConnectionStats) => number][] = [
    [
      'confluent_sd_connections_evicted_total',
      'Idle connections closed at a cap to make room for a new one',
      (s) => s.evicted,
    ],
    [
      'confluent_sd_connections_timed_out_total',
      'Connections closed for sending no request header in time',
      (s) => s.timedOut,
    ],
  ];
  for (const [name, help, pick] of counters) {
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.reset();
        const s = stats();
        this.inc(s ? pick(s) : 0);
      },
    });
  }
}

/**
 * prom-client's default process and Node metrics under their standard names (`process_*`, `nodejs_*`), as stock
 * Node.js dashboards read them, less three gauges named `…_total` that `promtool check metrics` flags as not
 * counters: `sum(nodejs_active_handles)` (and `_requests`, `_resources`, by type) gives the same number.
 */
function registerDefaultMetrics(registry: Registry): void {
  collectDefaultMetrics({ register: registry });
  for (const name of ['handles', 'requests', 'resources'])
    registry.removeSingleMetric(`nodejs_active_${name}_total`);
}

export function createServeMetrics(options: ServeMetricsOptions): ServeMetrics {
  const { documents, now } = options;
  const registry = new Registry();
  const registers = [registry];
  registerDefaultMetrics(registry);
  const observeRequest = registerRequestMetrics(registers);
  registerBuildInfo(registers, options.version);
  registerDocumentGauges(registers, documents);
  registerStatusGauges(registry, documents, now);
  registerReloadCounters(registers, documents);
  registerPlanGauges(registers, documents);
  registerDiscoveryGauges(registers, documents);
  registerConnectionMetrics(registers, options.connections ?? (() => undefined));
  return { registry, observeRequest };
}
