/**
 * The body of `/v2/metrics/{dataset}/export`: Prometheus text 0.0.4 for the requested ids, at most `pointsCap`
 * series per metric (each metric belongs to one resource type), the rest cut silently as the real API does
 * (reference §4.2), and one `confluent_scrape_resource_access_error` per requested resource (2026 partial success).
 */
import { kafkaSizeOf } from './kafka-size.js';
import { exportName, METRICS, type MetricDef, resourceLabel, type SeriesSize } from './metric-catalog.js';
import type { IndexEntry } from './org.js';
import type { OrgStore } from './org-store.js';
import { datasetOf, isSimResourceType, type SimDataset, type SimResourceType } from './resource-types.js';

/** Samples carry `now - 60s`: recent like the real API's (3 min offset) yet inside Prometheus' ingestion window. */
const SAMPLE_AGE_MS = 60_000;
const RESOURCE_PARAM = /^resource[._]([a-z_]+?)[._]id$/;

export interface ExportOptions {
  /** Series in proportion to each Kafka cluster's size (under limits), else the small legacy shape. */
  sized: boolean;
  /** Series per metric in one response; Infinity for no cap. */
  pointsCap: number;
}

export interface RenderedExport {
  body: string;
  /** Series left out past the cap, over all metrics. */
  seriesCut: number;
}

/** Requested ids per type of `dataset`, in first-seen order, without duplicates (other types' params are ignored). */
export function parseExportParams(
  query: URLSearchParams,
  dataset: SimDataset,
): Map<SimResourceType, string[]> {
  const asked = new Map<SimResourceType, string[]>();
  for (const [key, value] of query) {
    const type = RESOURCE_PARAM.exec(key)?.[1];
    if (!type || !isSimResourceType(type) || datasetOf(type) !== dataset) continue;
    const ids = asked.get(type) ?? [];
    for (const id of value.split(',').map((s) => s.trim())) if (id && !ids.includes(id)) ids.push(id);
    asked.set(type, ids);
  }
  return asked;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatLabels(labels: Record<string, string>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')}}`;
}

/** `metric=io.confluent.kafka.server/received_bytes` (or its export name) filters; none means all. */
function metricFilter(query: URLSearchParams): (name: string) => boolean {
  const wanted = new Set(
    query.getAll('metric').flatMap((m) => m.split(',').map((x) => exportName(x.trim()))),
  );
  return (name) => wanted.size === 0 || wanted.has(exportName(name));
}

interface MetricRun {
  store: OrgStore;
  ids: readonly string[];
  options: ExportOptions;
  minute: number;
  timestamp: number;
}

function sizeOf(store: OrgStore, entry: IndexEntry, options: ExportOptions): SeriesSize {
  return options.sized && entry.kind === 'kafka' ? kafkaSizeOf(store.org.seed, entry.record) : undefined;
}

/** One metric's samples over the requested ids, up to the cap; counts the series past it. */
function renderMetric(metric: MetricDef, run: MetricRun): { samples: string[]; cut: number } {
  const samples: string[] = [];
  let cut = 0;
  const name = exportName(metric.name);
  for (const id of run.ids) {
    const entry = run.store.find(id);
    if (entry?.kind !== metric.type) continue;
    const size = sizeOf(run.store, entry, run.options);
    for (const extra of metric.series(entry, size)) {
      if (samples.length >= run.options.pointsCap) {
        cut += 1;
        continue;
      }
      const labels = formatLabels({ [resourceLabel(metric.type)]: id, ...extra });
      samples.push(`${name}${labels} ${metric.value(entry, extra, run.minute, size)} ${run.timestamp}`);
    }
  }
  return { samples, cut };
}

/** Like the real API since 2026-04: one access-error series per requested resource, 1 when it is not accessible. */
function accessErrors(store: OrgStore, asked: Map<SimResourceType, string[]>, timestamp: number): string[] {
  const access: string[] = [];
  for (const [type, ids] of asked) {
    for (const id of ids) {
      const ok = store.find(id)?.kind === type;
      const labels = formatLabels({ resource_id: id, resource_type: `resource.${type}.id` });
      access.push(`confluent_scrape_resource_access_error${labels} ${ok ? 0 : 1} ${timestamp}`);
    }
  }
  if (access.length === 0) return [];
  return [
    '# HELP confluent_scrape_resource_access_error 1 when the requested resource could not be read, else 0.',
    '# TYPE confluent_scrape_resource_access_error gauge',
    ...access,
  ];
}

export function renderExport(
  store: OrgStore,
  query: URLSearchParams,
  now: number,
  options: ExportOptions,
  dataset: SimDataset = 'cloud',
): RenderedExport {
  const asked = parseExportParams(query, dataset);
  const timestamp = now - SAMPLE_AGE_MS;
  const minute = Math.floor(timestamp / 60_000);
  const keep = metricFilter(query);
  const lines: string[] = [];
  let seriesCut = 0;
  for (const metric of METRICS) {
    if (!keep(metric.name) || datasetOf(metric.type) !== dataset) continue;
    const run = { store, ids: asked.get(metric.type) ?? [], options, minute, timestamp };
    const { samples, cut } = renderMetric(metric, run);
    seriesCut += cut;
    if (samples.length === 0) continue;
    const name = exportName(metric.name);
    // joined per metric: a spread of tens of thousands of samples would overflow the call stack
    lines.push(`# HELP ${name} ${metric.description}`, `# TYPE ${name} gauge`, samples.join('\n'));
  }
  lines.push(...accessErrors(store, asked, timestamp));
  return { body: lines.length === 0 ? '' : `${lines.join('\n')}\n`, seriesCut };
}
