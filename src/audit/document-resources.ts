/**
 * An http_sd document read back as the resources it names, so two snapshots compare by resource and not by bytes:
 * a different label prefix, param style (`__param_resource_kafka_id` / `__param_resource.kafka.id`) or grouping
 * (`groupBy: environment`, comma-joined ids) gives the same resources with the same labels.
 */

import type { DocumentEntry } from '../bucket/manifest.js';
import { RESOURCE_TYPES } from '../discovery/resource.js';
import { AppError } from '../errors.js';
import { paramLabelType } from '../render/labels.js';

/** One resource of a document: its public labels with the document's prefix removed (`cluster_name`, …). */
export interface DocumentResource {
  type: string;
  id: string;
  labels: Record<string, string>;
}

export interface DocumentContent {
  /** `type id` → resource, sorted by type then id. */
  resources: Map<string, DocumentResource>;
  /** The `__metrics_path__` of the groups ('' when none). */
  metricsPath: string;
}

export function resourceKey(type: string, id: string): string {
  return `${type} ${id}`;
}

/** Parses a document body into its resources; throws MANIFEST_INVALID naming the group it cannot read. */
export function documentToResources(
  body: string,
  entry: Pick<DocumentEntry, 'prefix' | 'groupBy'>,
  where: string,
): DocumentContent {
  let groups: unknown;
  try {
    groups = JSON.parse(body);
  } catch (cause) {
    throw new AppError('MANIFEST_INVALID', `read ${where}: not JSON`, { cause });
  }
  if (!Array.isArray(groups))
    throw new AppError('MANIFEST_INVALID', `read ${where}: not a JSON array of target groups`);
  const resources = new Map<string, DocumentResource>();
  let metricsPath = '';
  groups.forEach((group: unknown, index) => {
    const labels = (group as { labels?: unknown } | null)?.labels;
    if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
      throw new AppError('MANIFEST_INVALID', `read ${where}: group #${index} has no labels object`);
    }
    const all = labels as Record<string, unknown>;
    if (typeof all.__metrics_path__ === 'string' && metricsPath === '') metricsPath = all.__metrics_path__;
    const { type, ids } = groupResourceIds(all, entry.prefix);
    if (type === undefined || ids.length === 0) {
      throw new AppError('MANIFEST_INVALID', `read ${where}: group #${index} names no resource id`);
    }
    const publicLabels = stripLabels(all, entry.prefix, entry.groupBy === 'environment');
    for (const id of ids) resources.set(resourceKey(type, id), { type, id, labels: { ...publicLabels } });
  });
  return { resources: sortResources(resources), metricsPath };
}

function groupResourceIds(
  labels: Record<string, unknown>,
  prefix: string,
): { type: string | undefined; ids: string[] } {
  for (const [name, value] of Object.entries(labels)) {
    const type = paramLabelType(name);
    if (type !== undefined && typeof value === 'string') {
      const ids = value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      return { type, ids };
    }
  }
  // no scrape parameter: fall back to the public labels a resource group carries
  const type = labels[`${prefix}resource_type`];
  const id = labels[`${prefix}resource_id`] ?? labels.instance;
  return {
    type: typeof type === 'string' ? type : undefined,
    ids: typeof id === 'string' && id !== '' ? [id] : [],
  };
}

/**
 * Labels Prometheus keeps on the series (no `__` labels), with the prefix removed. In an environment-grouped
 * document `instance` names the batch (`env-1/kafka/2`), not the resource, so it is left out.
 */
function stripLabels(
  labels: Record<string, unknown>,
  prefix: string,
  grouped: boolean,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(labels).sort()) {
    const value = labels[name];
    if (name.startsWith('__') || typeof value !== 'string') continue;
    if (grouped && name === 'instance') continue;
    const bare = prefix !== '' && name.startsWith(prefix) ? name.slice(prefix.length) : name;
    out[bare] = value;
  }
  return out;
}

function sortResources(resources: Map<string, DocumentResource>): Map<string, DocumentResource> {
  const sorted = [...resources.values()].sort(compareDocumentResources);
  return new Map(sorted.map((r) => [resourceKey(r.type, r.id), r]));
}

/** Type in RESOURCE_TYPES order (unknown types after, by name), then id. */
export function compareDocumentResources(
  a: { type: string; id: string },
  b: { type: string; id: string },
): number {
  if (a.type !== b.type) {
    const rank = (t: string) => {
      const i = (RESOURCE_TYPES as readonly string[]).indexOf(t);
      return i === -1 ? RESOURCE_TYPES.length : i;
    };
    return rank(a.type) - rank(b.type) || (a.type < b.type ? -1 : 1);
  }
  if (a.id !== b.id) return a.id < b.id ? -1 : 1;
  return 0;
}

/** A short human name of a resource for diff lines: cluster, ksqlDB or connector name when it has one. */
export function resourceDisplayName(r: DocumentResource): string | undefined {
  return r.labels.cluster_name ?? r.labels.name ?? r.labels.connector_name;
}
