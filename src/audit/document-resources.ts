/**
 * An http_sd document read back as the resources it names, so two snapshots compare by resource and not by bytes:
 * a different label prefix, param style (`__param_resource_kafka_id` / `__param_resource.kafka.id`) or grouping
 * (`groupBy: environment` or a packed plan group, comma-joined ids, one parameter per type) gives the same resources.
 * When the snapshot has the info document, each resource's labels come from it, so they are the same whether the
 * resource had a target group of its own or shared a packed one.
 */

import type { DocumentEntry } from '../bucket/manifest.js';
import { RESOURCE_TYPES } from '../discovery/resource.js';
import { AppError } from '../errors.js';
import { paramLabelType } from '../render/labels.js';
import { type InfoSeries, parseInfoDocument } from './info-document.js';

/** One resource of a document: its public labels with the document's prefix removed (`cluster_name`, …). */
export interface DocumentResource {
  type: string;
  id: string;
  labels: Record<string, string>;
}

/** Where a resource is scraped: its target group, the plan's shard and the group's own scrape interval. */
export interface Placement {
  /** The group's `instance` (the resource id for a group of its own). */
  group: string;
  /** In a packed plan group: its `instance` names the group, so the resource has no `instance` of its own. */
  packed: boolean;
  /** `<prefix>shard` of a plan group, '' when none. */
  shard: string;
  /** `__scrape_interval__` of the group, '' when none. */
  interval: string;
}

export interface DocumentContent {
  /** `type id` → resource, sorted by type then id. */
  resources: Map<string, DocumentResource>;
  /** The `__metrics_path__` of the groups ('' when none). */
  metricsPath: string;
  /** `type id` → where the resource is scraped (absent in contents built by hand). */
  placement?: Map<string, Placement>;
}

/** The text of a snapshot's info document and where it was read, for messages. */
export interface InfoText {
  body: string;
  where: string;
}

export function resourceKey(type: string, id: string): string {
  return `${type} ${id}`;
}

/**
 * Parses a document body into its resources; throws MANIFEST_INVALID naming the group (or the info document's
 * line) it cannot read. With `info`, the labels of every resource are its series' labels (plus `instance` where its
 * group was its own); the document and the info document must name the same resources.
 */
export function documentToResources(
  body: string,
  entry: Pick<DocumentEntry, 'prefix' | 'groupBy'>,
  where: string,
  info?: InfoText,
): DocumentContent {
  const resources = new Map<string, DocumentResource>();
  const placement = new Map<string, Placement>();
  let metricsPath = '';
  parseGroups(body, where).forEach((group: unknown, index) => {
    const labels = (group as { labels?: unknown } | null)?.labels;
    if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
      throw new AppError('MANIFEST_INVALID', `read ${where}: group #${index} has no labels object`);
    }
    const all = labels as Record<string, unknown>;
    if (typeof all.__metrics_path__ === 'string' && metricsPath === '') metricsPath = all.__metrics_path__;
    const members = groupResourceIds(all, entry.prefix);
    if (members.length === 0) {
      throw new AppError('MANIFEST_INVALID', `read ${where}: group #${index} names no resource id`);
    }
    const place = placementOf(all, entry, members, index);
    const publicLabels = stripLabels(all, entry.prefix, {
      instance: entry.groupBy !== 'environment' && !place.packed,
      shard: entry.groupBy !== 'plan',
    });
    for (const { type, id } of members) {
      resources.set(resourceKey(type, id), { type, id, labels: { ...publicLabels } });
      placement.set(resourceKey(type, id), place);
    }
  });
  if (info) labelFromInfo(resources, parseInfoDocument(info.body, entry.prefix, info.where), info.where);
  return { resources: sortResources(resources), metricsPath, placement };
}

function parseGroups(body: string, where: string): unknown[] {
  let groups: unknown;
  try {
    groups = JSON.parse(body);
  } catch (cause) {
    throw new AppError('MANIFEST_INVALID', `read ${where}: not JSON`, { cause });
  }
  if (!Array.isArray(groups))
    throw new AppError('MANIFEST_INVALID', `read ${where}: not a JSON array of target groups`);
  return groups;
}

/** Every scrape parameter of a group (one per type in a packed plan group), each value comma-joined ids. */
function groupResourceIds(labels: Record<string, unknown>, prefix: string): { type: string; id: string }[] {
  const out: { type: string; id: string }[] = [];
  let named = false;
  for (const [name, value] of Object.entries(labels)) {
    const type = paramLabelType(name);
    if (type === undefined || typeof value !== 'string') continue;
    named = true;
    for (const id of value.split(',').map((s) => s.trim())) if (id !== '') out.push({ type, id });
  }
  if (named) return out;
  // no scrape parameter: fall back to the public labels a resource group carries
  const type = labels[`${prefix}resource_type`];
  const id = labels[`${prefix}resource_id`] ?? labels.instance;
  return typeof type === 'string' && typeof id === 'string' && id !== '' ? [{ type, id }] : [];
}

function placementOf(
  labels: Record<string, unknown>,
  entry: Pick<DocumentEntry, 'prefix' | 'groupBy'>,
  members: readonly { id: string }[],
  index: number,
): Placement {
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const own = members.length === 1 ? members[0]?.id : undefined;
  return {
    group: typeof labels.instance === 'string' ? labels.instance : (own ?? `#${index}`),
    packed: entry.groupBy === 'plan' && members.length > 1,
    shard: entry.groupBy === 'plan' ? text(labels[`${entry.prefix}shard`]) : '',
    interval: text(labels.__scrape_interval__),
  };
}

/**
 * Labels Prometheus keeps on the series (no `__` labels), with the prefix removed. `instance` is kept only where it
 * names the resource: in an environment-grouped document it names the batch (`env-1/kafka/2`), in a packed plan
 * group the group (`plan-3`). A plan's `<prefix>shard` is the plan's, not the resource's.
 */
function stripLabels(
  labels: Record<string, unknown>,
  prefix: string,
  keep: { instance: boolean; shard: boolean },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(labels).sort()) {
    const value = labels[name];
    if (name.startsWith('__') || typeof value !== 'string') continue;
    if (!keep.instance && name === 'instance') continue;
    if (!keep.shard && name === `${prefix}shard`) continue;
    const bare = prefix !== '' && name.startsWith(prefix) ? name.slice(prefix.length) : name;
    out[bare] = value;
  }
  return out;
}

/** Replaces each resource's labels by its info series' labels; the two documents must name the same resources. */
function labelFromInfo(
  resources: Map<string, DocumentResource>,
  series: Map<string, InfoSeries>,
  where: string,
): void {
  for (const [key, r] of resources) {
    const s = series.get(key);
    if (!s)
      throw new AppError(
        'MANIFEST_INVALID',
        `read ${where}: no series for ${r.type} ${r.id} of the document`,
      );
    const { instance } = r.labels;
    const labels = instance === undefined ? s.labels : { ...s.labels, instance };
    r.labels = Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  for (const [key, s] of series) {
    if (!resources.has(key))
      throw new AppError(
        'MANIFEST_INVALID',
        `read ${where}: line ${s.line}: ${s.type} ${s.id} is in no target group of the document`,
      );
  }
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
