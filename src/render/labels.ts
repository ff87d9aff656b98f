/**
 * The label rules of DESIGN §2: which labels each resource type carries, the scrape-parameter label, and
 * the checked, sorted list of resources every document of one run is rendered from.
 */
import type { ParamStyle } from '../bucket/manifest.js';
import type { Dataset, ResourceType } from '../discovery/resource.js';
import {
  compareResources,
  DATASET_OF,
  type Inventory,
  isResourceType,
  type Resource,
} from '../discovery/resource.js';
import { AppError } from '../errors.js';

type LabelSource = (r: Resource, environmentName: string | undefined) => unknown;

const cloudProvider: LabelSource = (r) => (typeof r.cloud === 'string' ? r.cloud.toLowerCase() : undefined);
const environmentName: LabelSource = (_r, name) => name;
const resourceName: LabelSource = (r) => r.name;

/** A custom connector is labelled like a managed one (only its metrics come from another dataset). */
const CONNECTOR_LABELS: readonly (readonly [string, LabelSource])[] = [
  ['cloud_provider', cloudProvider],
  ['environment_name', environmentName],
  ['connector_name', resourceName],
  ['cluster_id', (r) => r.kafkaClusterId],
];

/**
 * Seed labels per type, before the prefix; each always present unless its value is unknown. Every type that has a
 * display name carries it: under the seed's names where the seed names one (kafka `cluster_name`, ksql `name`,
 * connectors `connector_name`), else `name` (Schema Registry, compute pools).
 */
export const SEED_LABELS: Readonly<Record<ResourceType, readonly (readonly [string, LabelSource])[]>> = {
  kafka: [
    ['cloud_provider', cloudProvider],
    ['environment_name', environmentName],
    ['cluster_name', resourceName],
  ],
  schema_registry: [
    ['cloud_provider', cloudProvider],
    ['environment_name', environmentName],
    ['name', resourceName],
  ],
  ksql: [
    ['cloud_provider', cloudProvider],
    ['environment_name', environmentName],
    ['name', resourceName],
  ],
  compute_pool: [
    ['cloud_provider', cloudProvider],
    ['environment_name', environmentName],
    ['name', resourceName],
  ],
  connector: CONNECTOR_LABELS,
  custom_connector: CONNECTOR_LABELS,
};

/**
 * Labels only the info document carries, not the target groups (whose labels are DESIGN §2's): a ksqlDB cluster's
 * Kafka cluster, by which `/discovery?associated_kafka_id=` selects it, as Confluent's own discovery does
 * (reference §7.3), and which a query can join on.
 */
export const INFO_ONLY_LABELS: Readonly<
  Partial<Record<ResourceType, readonly (readonly [string, LabelSource])[]>>
> = { ksql: [['cluster_id', (r) => r.kafkaClusterId]] };

/** The types whose resources belong to one Kafka cluster: their `cluster_id` label (info document) names it. */
export const KAFKA_BOUND_TYPES: ReadonlySet<string> = new Set<ResourceType>([
  'connector',
  'custom_connector',
  'ksql',
]);

/** Labels every type carries, before the prefix. */
export const EXTRA_LABELS: readonly (readonly [string, LabelSource])[] = [
  ['resource_type', (r) => r.type],
  ['resource_id', (r) => r.id],
  ['environment_id', (r) => r.environmentId],
  ['region', (r) => r.region],
];

/** `__param_resource_kafka_id` (every Prometheus) or `__param_resource.kafka.id` (Prometheus ≥ 3 only). */
export function paramLabelName(type: ResourceType, style: ParamStyle): string {
  return style === 'dotted' ? `__param_resource.${type}.id` : `__param_resource_${type}_id`;
}

/** The `__metrics_path__` of a type: the export of the dataset it is exported from. */
export function metricsPathOf(
  type: ResourceType,
  options: { metricsPaths: Readonly<Record<Dataset, string>> },
): string {
  return options.metricsPaths[DATASET_OF[type]];
}

const PARAM_LABEL_RE = /^__param_resource(?:_(.+)_id|\.(.+)\.id)$/;

/** The resource type a label name of `paramLabelName`'s form carries (in either style), or undefined. */
export function paramLabelType(name: string): string | undefined {
  const m = PARAM_LABEL_RE.exec(name);
  return m ? (m[1] ?? m[2]) : undefined;
}

/** A resource checked for rendering, with its public labels (before the prefix) and the ones left out. */
export interface LabelledResource {
  resource: Resource;
  environmentName: string | undefined;
  /** [name without prefix, value], in the order of SEED_LABELS then EXTRA_LABELS. */
  labels: (readonly [string, string])[];
  /** INFO_ONLY_LABELS of its type whose value is known: the info document adds them to `labels`. */
  infoLabels: (readonly [string, string])[];
  /** Names (without prefix) of seed/extra labels whose value is unknown. */
  missing: string[];
}

function isKnown(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** The label of a resource's configured organisation; only with several (`organizations:`), so never missing. */
export const ORGANIZATION_LABEL = 'organization';

export function resourceToLabels(r: Resource, environmentName: string | undefined): LabelledResource {
  const labels: (readonly [string, string])[] = [];
  const missing: string[] = [];
  for (const [name, source] of [...SEED_LABELS[r.type], ...EXTRA_LABELS]) {
    const value = source(r, environmentName);
    if (isKnown(value)) labels.push([name, value]);
    else missing.push(name);
  }
  if (isKnown(r.organization)) labels.push([ORGANIZATION_LABEL, r.organization]);
  const infoLabels: (readonly [string, string])[] = [];
  for (const [name, source] of INFO_ONLY_LABELS[r.type] ?? []) {
    const value = source(r, environmentName);
    if (isKnown(value)) infoLabels.push([name, value]);
  }
  return { resource: r, environmentName, labels, infoLabels, missing };
}

/**
 * Checks every resource (an id, a known type, no duplicate), sorts them (type order, environment, id) and
 * computes their labels once, so several combinations reuse the work. Throws RENDER_INVALID naming the resource.
 */
export function labelInventory(inventory: Inventory): LabelledResource[] {
  const names = new Map<string, string>();
  for (const env of inventory.environments) if (isKnown(env.name)) names.set(env.id, env.name);
  const seen = new Set<string>();
  const resources = inventory.resources.map((r, index) => {
    const where = `resource #${index}${isKnown(r?.type) ? ` (type ${r.type})` : ''}`;
    if (r === null || typeof r !== 'object')
      throw new AppError('RENDER_INVALID', `render: ${where} is not an object`);
    if (!isKnown(r.id)) throw new AppError('RENDER_INVALID', `render: ${where} has no id`);
    if (!isKnown(r.type) || !isResourceType(r.type))
      throw new AppError(
        'RENDER_INVALID',
        `render: resource ${r.id} has unknown type ${JSON.stringify(r.type)}`,
      );
    const key = `${r.type}\u0000${r.id}`;
    if (seen.has(key))
      throw new AppError('RENDER_INVALID', `render: ${r.type} resource ${r.id} is listed twice`);
    seen.add(key);
    return r;
  });
  if (!isSorted(resources)) resources.sort(compareForRender);
  return resources.map((r) =>
    resourceToLabels(r, isKnown(r.environmentName) ? r.environmentName : names.get(r.environmentId)),
  );
}

// compareResources, made total for a resource whose environment id is missing (rendered with a warning).
function compareForRender(a: Resource, b: Resource): number {
  return compareResources(withEnvironmentId(a), withEnvironmentId(b));
}

function withEnvironmentId(r: Resource): Resource {
  return typeof r.environmentId === 'string' ? r : { ...r, environmentId: '' };
}

function isSorted(resources: readonly Resource[]): boolean {
  for (let i = 1; i < resources.length; i++) {
    if (compareForRender(resources[i - 1]!, resources[i]!) > 0) return false;
  }
  return true;
}
