/**
 * The Metrics API's limits in front of its routes (reference §4.2): every request counts against the per-client-IP
 * minute; an `/export` request then spends one unit of every requested resource's hourly budget. Each answer
 * carries the `rateLimit-*` headers: the global set, and on `/export` the endpoint set after it.
 */
import { parseExportParams } from './export-render.js';
import { MetricsLimiter, type RateLimitState } from './metrics-limiter.js';
import { limitSetOf } from './metrics-limits.js';
import { metricsErrorReply, type Reply, type SimRequest } from './reply.js';
import { SIM_DATASETS, type SimDataset } from './resource-types.js';
import type { RuntimeSettings } from './sim-config.js';
import type { StatsRecorder } from './stats.js';

export const EXPORT_TEMPLATE = '/v2/metrics/{dataset}/export';

const DOCS = 'Please see the documentation for current rate limits.';
export const PER_IP_DETAIL = `Too many requests. ${DOCS}`;

/** The documented `/export` 429 detail, naming every offending resource (`kafka.id:lkc-1, kafka.id:lkc-2`). */
export function perResourceDetail(resources: readonly string[]): string {
  return `Too many requests have been made for the following resources: ${resources.join(', ')}. ${DOCS}`;
}

/** Header name → values; a second value is a second header line (the endpoint set after the global one). */
export type GateHeaders = Record<string, string[]>;

export interface GateDecision {
  refusal?: Reply;
  headers: GateHeaders;
}

export interface GateInput {
  req: SimRequest;
  /** The matched route's template. */
  template: string;
  ip: string;
  principal: string;
}

function addHeaderSet(headers: GateHeaders, state: RateLimitState): void {
  const values = [state.limit, state.remaining, state.resetSeconds];
  for (const [i, name] of ['rateLimit-limit', 'rateLimit-remaining', 'rateLimit-reset'].entries()) {
    headers[name] = [...(headers[name] ?? []), String(values[i])];
  }
}

/** `kafka.id:lkc-1`…: the requested resources of an `/export` as the 429 names them. */
function exportResources(req: SimRequest, dataset: SimDataset): string[] {
  return [...parseExportParams(req.query, dataset)].flatMap(([type, ids]) =>
    ids.map((id) => `${type}.id:${id}`),
  );
}

function isDataset(value: string | undefined): value is SimDataset {
  return SIM_DATASETS.some((d) => d === value);
}

export class MetricsGate {
  private readonly limiter = new MetricsLimiter();

  constructor(
    private readonly settings: RuntimeSettings,
    private readonly stats: StatsRecorder,
  ) {}

  /** Counts the request and says whether the limits in force let it through. */
  admit(input: GateInput): GateDecision {
    const { req } = input;
    const { metricsLimits, timeScale } = this.settings.value;
    this.stats.metrics.request(req.now);
    const headers: GateHeaders = {};
    const set = limitSetOf(metricsLimits);
    if (!set) return { headers };
    const ip = this.limiter.takeRequest(input.ip, req.now, set, timeScale);
    addHeaderSet(headers, ip.state);
    if (!ip.allowed) {
      this.stats.metrics.rateLimited(req.now, 'perIp');
      return { refusal: metricsErrorReply(429, PER_IP_DETAIL), headers };
    }
    const { dataset } = req.params;
    if (input.template !== EXPORT_TEMPLATE || !isDataset(dataset)) return { headers };
    const asked = exportResources(req, dataset);
    const budget = this.limiter.takeResources(input.principal, asked, req.now, set, timeScale);
    addHeaderSet(headers, budget.state);
    if (budget.allowed) return { headers };
    this.stats.metrics.rateLimited(req.now, 'perResource');
    return { refusal: metricsErrorReply(429, perResourceDetail(budget.refused)), headers };
  }

  /** Forgets every window and budget (`POST /_sim/limits/reset`). */
  reset(): void {
    this.limiter.reset();
  }
}
