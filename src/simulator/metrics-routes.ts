/**
 * The Metrics API endpoints (reference §7): resource descriptors, metric descriptors and `export`, which answers
 * Prometheus text 0.0.4 for the requested ids (dotted or underscore params, repeated or comma-separated).
 */
import { exportName, METRICS, RESOURCE_DESCRIPTORS, resourceLabel } from './metric-catalog.js';
import type { OrgStore } from './org-store.js';
import { errorsReply, jsonReply, type Reply, type SimRequest } from './reply.js';
import { isSimResourceType, type SimResourceType } from './resource-types.js';
import type { Route } from './router.js';

export interface MetricsContext {
  store: OrgStore;
}

/** Samples carry `now - 60s`: recent like the real API's (3 min offset) yet inside Prometheus' ingestion window. */
const SAMPLE_AGE_MS = 60_000;
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const RESOURCE_PARAM = /^resource[._]([a-z_]+?)[._]id$/;

function checkDataset(req: SimRequest): Reply | undefined {
  return req.params.dataset === 'cloud'
    ? undefined
    : errorsReply(404, 'resource_not_found', `Unknown dataset: ${req.params.dataset}`);
}

/** Requested ids per type, in first-seen order, without duplicates. */
export function parseExportParams(query: URLSearchParams): Map<SimResourceType, string[]> {
  const asked = new Map<SimResourceType, string[]>();
  for (const [key, value] of query) {
    const type = RESOURCE_PARAM.exec(key)?.[1];
    if (!type || !isSimResourceType(type)) continue;
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

export function renderExport(store: OrgStore, query: URLSearchParams, now: number): string {
  const asked = parseExportParams(query);
  const timestamp = now - SAMPLE_AGE_MS;
  const minute = Math.floor(timestamp / 60_000);
  const keep = metricFilter(query);
  const lines: string[] = [];
  for (const metric of METRICS) {
    if (!keep(metric.name)) continue;
    const samples: string[] = [];
    for (const id of asked.get(metric.type) ?? []) {
      const entry = store.find(id);
      if (entry?.kind !== metric.type) continue;
      for (const extra of metric.series(entry)) {
        const labels = { [resourceLabel(metric.type)]: id, ...extra };
        samples.push(
          `${exportName(metric.name)}${formatLabels(labels)} ${metric.value(entry, extra, minute)} ${timestamp}`,
        );
      }
    }
    if (samples.length === 0) continue;
    lines.push(
      `# HELP ${exportName(metric.name)} ${metric.description}`,
      `# TYPE ${exportName(metric.name)} gauge`,
    );
    lines.push(...samples);
  }
  // Like the real API since 2026-04: one access-error series per requested resource, 1 when it is not accessible.
  const access: string[] = [];
  for (const [type, ids] of asked) {
    for (const id of ids) {
      const ok = store.find(id)?.kind === type;
      const labels = formatLabels({ resource_id: id, resource_type: `resource.${type}.id` });
      access.push(`confluent_scrape_resource_access_error${labels} ${ok ? 0 : 1} ${timestamp}`);
    }
  }
  if (access.length > 0) {
    lines.push(
      '# HELP confluent_scrape_resource_access_error 1 when the requested resource could not be read, else 0.',
      '# TYPE confluent_scrape_resource_access_error gauge',
      ...access,
    );
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** A descriptor listing: always one page. */
function descriptorsReply(data: unknown[]): Reply {
  return jsonReply(200, {
    data,
    meta: { pagination: { page_size: 100, total_size: data.length } },
    links: null,
  });
}

export const METRICS_ROUTES: readonly Route<MetricsContext>[] = [
  {
    method: 'GET',
    template: '/v2/metrics/{dataset}/descriptors/resources',
    handler(req) {
      const bad = checkDataset(req);
      if (bad) return bad;
      const data = Object.entries(RESOURCE_DESCRIPTORS).map(([type, r]) => ({
        type,
        description: r.description,
        labels: [{ key: `${type}.id`, description: r.label, exportable: true }],
      }));
      return descriptorsReply(data);
    },
  },
  {
    method: 'GET',
    template: '/v2/metrics/{dataset}/descriptors/metrics',
    handler(req) {
      const bad = checkDataset(req);
      if (bad) return bad;
      const type = req.query.get('resource_type');
      const data = METRICS.filter((m) => !type || m.type === type).map((m) => ({
        name: m.name,
        description: m.description,
        type: 'GAUGE_INT64',
        unit: m.unit,
        lifecycle_stage: 'GENERAL_AVAILABILITY',
        exportable: true,
        resources: [m.type],
      }));
      return descriptorsReply(data);
    },
  },
  {
    method: 'GET',
    template: '/v2/metrics/{dataset}/export',
    handler(req, ctx) {
      const bad = checkDataset(req);
      if (bad) return bad;
      if (parseExportParams(req.query).size === 0) {
        return errorsReply(
          400,
          'invalid_filter',
          'At least one resource filter is required, e.g. resource.kafka.id',
          {
            parameter: 'resource.kafka.id',
          },
        );
      }
      return { status: 200, contentType: PROMETHEUS_TEXT, body: renderExport(ctx.store, req.query, req.now) };
    },
  },
];
