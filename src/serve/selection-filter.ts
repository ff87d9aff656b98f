/**
 * A selection applied to one verified document (pure). The resources of a target group are the ids of its scrape
 * parameters (`__param_resource_<type>_id`, either style, comma lists included); each resource's environment and
 * Kafka cluster (a connector's or ksqlDB cluster's `cluster_id`) come from its info document (`infoToAttributes`,
 * one series per resource), else from the group's own labels (`<prefix>environment_id` of the group;
 * `<prefix>cluster_id` of a connector's group of one). A group whose resources
 * are all selected is kept as it is; one with none is left out; one with some (a packed group of the scrape plan,
 * an environment group asked for one Kafka cluster) keeps every label but its scrape parameters, which keep only
 * the selected ids. A resource whose environment or cluster is not known is not selected by that parameter.
 */
import { serializeGroup } from '../render/groups.js';
import { INFO_METRIC, idLabelName } from '../render/info.js';
import { KAFKA_BOUND_TYPES, paramLabelType } from '../render/labels.js';
import type { Selection } from './selection.js';

export interface Attributes {
  env?: string;
  kafka?: string;
}

interface Member extends Attributes {
  type: string;
  id: string;
}

interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

const CONNECTOR_TYPES = new Set(['connector', 'custom_connector']);
const SERIES_RE = new RegExp(`^${INFO_METRIC}\\{(.*)\\}\\s`);
// the value as an unrolled loop (runs of plain characters between escapes): far fewer steps than one per character
const LABEL_RE = /([a-zA-Z_][a-zA-Z0-9_]*)="([^"\\]*(?:\\.[^"\\]*)*)"/g;

function unescapeLabelValue(value: string): string {
  return value.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
}

function keyOf(type: string, id: string): string {
  return `${type}\u0000${id}`;
}

/** type + id → environment and Kafka cluster, from the `confluent_resource_info` series of an info document. */
export function infoToAttributes(info: string, prefix: string): Map<string, Attributes> {
  const out = new Map<string, Attributes>();
  for (const line of info.split('\n')) {
    const m = SERIES_RE.exec(line);
    if (!m) continue;
    const labels = new Map<string, string>();
    for (const [, name, value] of (m[1] ?? '').matchAll(LABEL_RE))
      labels.set(name!, value!.includes('\\') ? unescapeLabelValue(value!) : value!);
    const type = labels.get(`${prefix}resource_type`);
    const id = type === undefined ? undefined : labels.get(idLabelName(type));
    if (type === undefined || id === undefined) continue;
    const env = labels.get(`${prefix}environment_id`);
    const kafka =
      type === 'kafka' ? id : KAFKA_BOUND_TYPES.has(type) ? labels.get(`${prefix}cluster_id`) : undefined;
    out.set(keyOf(type, id), { ...(env ? { env } : {}), ...(kafka ? { kafka } : {}) });
  }
  return out;
}

function isTargetGroup(g: unknown): g is TargetGroup {
  if (g === null || typeof g !== 'object') return false;
  const { targets, labels } = g as Record<string, unknown>;
  return (
    Array.isArray(targets) &&
    targets.every((t) => typeof t === 'string') &&
    labels !== null &&
    typeof labels === 'object' &&
    Object.values(labels).every((v) => typeof v === 'string')
  );
}

function parseGroups(document: string): TargetGroup[] {
  const groups: unknown = JSON.parse(document);
  if (!Array.isArray(groups) || !groups.every(isTargetGroup))
    throw new Error('a served document is not an array of target groups');
  return groups;
}

function membersOf(g: TargetGroup, prefix: string, attributes: ReadonlyMap<string, Attributes>): Member[] {
  const members: Member[] = [];
  for (const [name, value] of Object.entries(g.labels)) {
    const type = paramLabelType(name);
    if (type === undefined) continue;
    for (const id of value.split(',')) members.push({ type, id });
  }
  // a group's environment label holds for all of its resources, its cluster label only for a group of one
  const groupEnv = g.labels[`${prefix}environment_id`];
  const groupKafka = members.length === 1 ? g.labels[`${prefix}cluster_id`] : undefined;
  return members.map((m) => {
    const known = attributes.get(keyOf(m.type, m.id));
    const env = known?.env ?? groupEnv;
    const kafka =
      m.type === 'kafka' ? m.id : (known?.kafka ?? (CONNECTOR_TYPES.has(m.type) ? groupKafka : undefined));
    return { ...m, ...(env ? { env } : {}), ...(kafka ? { kafka } : {}) };
  });
}

function isSelected(m: Member, { filters }: Selection): boolean {
  const has = (values: readonly string[] | undefined, value: string | undefined) =>
    values === undefined || (value !== undefined && values.includes(value));
  return (
    has(filters.env, m.env) && has(filters.associated_kafka_id, m.kafka) && has(filters.resource_type, m.type)
  );
}

/** The group's labels with only the selected ids in its scrape parameters (a parameter left empty is dropped). */
function trimmedLabels(g: TargetGroup, selected: readonly Member[]): Record<string, string> {
  const keep = new Set(selected.map((m) => keyOf(m.type, m.id)));
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(g.labels)) {
    const type = paramLabelType(name);
    const kept =
      type === undefined
        ? value
        : value
            .split(',')
            .filter((id) => keep.has(keyOf(type, id)))
            .join(',');
    if (kept !== '') labels[name] = kept;
  }
  return labels;
}

/**
 * The selected part of a document, in the renderer's own layout (`[\n<group>,\n…\n]\n`, labels sorted), so a
 * selection of every resource gives the document's own bytes; `[]\n` when nothing is selected.
 */
export function renderSelection(
  document: string,
  attributes: ReadonlyMap<string, Attributes>,
  prefix: string,
  selection: Selection,
): string {
  const lines: string[] = [];
  for (const g of parseGroups(document)) {
    const members = membersOf(g, prefix, attributes);
    const selected = members.filter((m) => isSelected(m, selection));
    if (selected.length === 0) continue;
    const labels = selected.length === members.length ? g.labels : trimmedLabels(g, selected);
    lines.push(serializeGroup(Object.entries(labels), JSON.stringify(g.targets)));
  }
  return lines.length === 0 ? '[]\n' : `[\n${lines.join(',\n')}\n]\n`;
}
