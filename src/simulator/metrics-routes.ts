/**
 * The Metrics API endpoints (reference §7): resource descriptors, metric descriptors, `export`, which answers
 * Prometheus text 0.0.4 for the requested ids (dotted or underscore params, repeated or comma-separated), and
 * `query` for the one aggregation the simulator models (query-route.ts).
 */
import { type ExportOptions, parseExportParams, renderExport } from './export-render.js';
import { METRICS, RESOURCE_DESCRIPTORS } from './metric-catalog.js';
import type { OrgStore } from './org-store.js';
import { QUERY_ROUTE } from './query-route.js';
import { checkDataset, errorsReply, jsonReply, type Reply, type SimRequest } from './reply.js';
import { datasetOf, SIM_DATASETS, type SimDataset } from './resource-types.js';
import type { Route } from './router.js';
import type { DescriptorRevision } from './sim-config.js';

export interface MetricsContext {
  store: OrgStore;
  pageTokenTtlMs: number;
  /** The export's shape and cap under the limits in force. */
  exportOptions(): ExportOptions;
  /** Counts an `/export` response whose series were cut at the cap. */
  truncated(now: number, seriesCut: number): void;
  /** The resource descriptors listed (`PUT /_sim/config` `resourceDescriptors`). */
  resourceDescriptors(): DescriptorRevision;
}

/** The 2022 spec's types [M22]: before compute pools and before the `cloud-custom` dataset. */
const TYPES_2022: readonly string[] = ['kafka', 'connector', 'ksql', 'schema_registry'];

const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/** The dataset of the path (`cloud`, `cloud-custom`), or the 404 for another. */
function datasetOfRequest(req: SimRequest, served: readonly SimDataset[] = SIM_DATASETS): SimDataset | Reply {
  const bad = checkDataset(req, served);
  return bad ?? (req.params.dataset as SimDataset);
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
    handler(req, ctx) {
      const old = ctx.resourceDescriptors() === '2022';
      const dataset = datasetOfRequest(req, old ? ['cloud'] : SIM_DATASETS);
      if (typeof dataset !== 'string') return dataset;
      const data = Object.entries(RESOURCE_DESCRIPTORS)
        .filter(([type]) => datasetOf(type as keyof typeof RESOURCE_DESCRIPTORS) === dataset)
        .filter(([type]) => !old || TYPES_2022.includes(type))
        .map(([type, r]) => ({
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
      const dataset = datasetOfRequest(req);
      if (typeof dataset !== 'string') return dataset;
      const type = req.query.get('resource_type');
      const ofDataset = METRICS.filter((m) => datasetOf(m.type) === dataset);
      const data = ofDataset
        .filter((m) => !type || m.type === type)
        .map((m) => ({
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
      const dataset = datasetOfRequest(req);
      if (typeof dataset !== 'string') return dataset;
      if (parseExportParams(req.query, dataset).size === 0) {
        return errorsReply(
          400,
          'invalid_filter',
          'At least one resource filter is required, e.g. resource.kafka.id',
          {
            parameter: 'resource.kafka.id',
          },
        );
      }
      const { body, seriesCut } = renderExport(ctx.store, req.query, req.now, ctx.exportOptions(), dataset);
      if (seriesCut > 0) ctx.truncated(req.now, seriesCut);
      return { status: 200, contentType: PROMETHEUS_TEXT, body };
    },
  },
  QUERY_ROUTE,
];
