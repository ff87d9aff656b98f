/**
 * The server's Prometheus metrics (names fixed: alert rules in k8s/prometheus depend on them). Request metrics are
 * recorded per response; the document and publish metrics are computed at scrape time from the cache's state.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, type Metric, Registry } from 'prom-client';
import type { DocumentCache } from './document-cache.js';

export interface ServeMetrics {
  registry: Registry;
  observeRequest(route: string, method: string, status: number, seconds: number): void;
}

export interface ServeMetricsOptions {
  version: string;
  documents: DocumentCache;
  now: () => Date;
}

function secondsOf(iso: string | null | undefined): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

export function createServeMetrics(options: ServeMetricsOptions): ServeMetrics {
  const { documents, now } = options;
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'confluent_sd_' });

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
  new Gauge({
    name: 'confluent_sd_build_info',
    help: 'Always 1; the version label says which build runs',
    labelNames: ['version'] as const,
    registers,
  }).set({ version: options.version }, 1);

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

  // status.json timestamps: no sample at all until the publisher has recorded one (a label-less prom-client
  // Gauge always shows a value, and 0 would read as "just now")
  const statusGauge = (name: string, help: string, pick: () => number | undefined) => {
    const read = async () => {
      const v = pick();
      return {
        name,
        help,
        type: 'gauge',
        aggregator: 'sum',
        values: v === undefined ? [] : [{ value: v, labels: {} }],
      };
    };
    registry.registerMetric({
      name,
      help,
      type: 'gauge',
      aggregator: 'sum',
      get: read,
      reset() {},
    } as unknown as Metric);
  };
  const status = () => documents.state().status;
  const nowSeconds = () => now().getTime() / 1000;
  const since = (t: number | undefined) => (t === undefined ? undefined : Math.max(0, nowSeconds() - t));
  statusGauge(
    'confluent_sd_last_success_timestamp_seconds',
    'When the last publish run succeeded (status.json)',
    () => secondsOf(status()?.lastSuccessAt),
  );
  statusGauge(
    'confluent_sd_last_failure_timestamp_seconds',
    'When the last publish run failed (status.json)',
    () => secondsOf(status()?.lastFailureAt),
  );
  statusGauge(
    'confluent_sd_seconds_since_last_success',
    'Seconds since the last successful publish run',
    () => since(secondsOf(status()?.lastSuccessAt)),
  );
  statusGauge('confluent_sd_seconds_since_last_failure', 'Seconds since the last failed publish run', () =>
    since(secondsOf(status()?.lastFailureAt)),
  );
  statusGauge(
    'confluent_sd_last_run_failed',
    '1 when the last publish run failed or was refused by a guard',
    () => {
      const s = status();
      if (!s) return undefined;
      return s.outcome === 'failed' || s.outcome === 'refused' ? 1 : 0;
    },
  );

  const counterFrom = (name: string, help: string, pick: () => number) =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        // the cache counts; the counter mirrors it at scrape time
        this.reset();
        this.inc(pick());
      },
    });
  counterFrom(
    'confluent_sd_reloads_total',
    'Document sets loaded from the store',
    () => documents.state().reloads,
  );
  counterFrom(
    'confluent_sd_reload_failures_total',
    'Reloads that failed (store unreachable, bad manifest, sha256 mismatch)',
    () => documents.state().reloadFailures,
  );

  return {
    registry,
    observeRequest(route, method, status, seconds) {
      requests.inc({ route, method, status: String(status) });
      duration.observe({ route }, seconds);
    },
  };
}
