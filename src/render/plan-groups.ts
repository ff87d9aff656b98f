/**
 * `SD_GROUP_BY=plan` as target groups: the plan's groups of one resource are the `resource` grouping's groups
 * (same labels), packed groups carry one comma-joined scrape parameter per type they hold and no per-resource
 * labels (those travel in the info document). A degraded plan adds `__scrape_interval__` or `<prefix>shard`.
 */
import { DATASET_OF, type Resource } from '../discovery/resource.js';
import type { CheckedOptions, GroupLabels, RenderWarning } from './groups.js';
import { type LabelledResource, metricsPathOf, ORGANIZATION_LABEL, paramLabelName } from './labels.js';
import { type PlanFigures, type PlannedResource, planGroups } from './plan.js';
import type { PlannedGroup } from './plan-group.js';
import { estimatePartitions, type PlanSettings } from './plan-settings.js';

export interface BuiltPlan {
  groups: GroupLabels[];
  warnings: RenderWarning[];
  figures: PlanFigures;
}

/** Series of a resource's largest metric: a Kafka cluster's partitions (per topic and partition metrics). */
export function pointsOf(r: Resource): number {
  if (r.type !== 'kafka') return 1;
  return r.partitions ?? estimatePartitions(r.kafkaKind, r.cku);
}

export function buildPlanGroups(
  resources: readonly LabelledResource[],
  prefix: string,
  options: CheckedOptions & { plan: PlanSettings },
): BuiltPlan {
  const planned: PlannedResource[] = resources.map(({ resource: r }, order) => ({
    type: r.type,
    id: r.id,
    points: pointsOf(r),
    order,
    metricsPath: metricsPathOf(r.type, options),
    dataset: DATASET_OF[r.type],
    param: paramLabelName(r.type, options.paramStyle).slice('__param_'.length),
    ...(r.organization === undefined ? {} : { organization: r.organization }),
  }));
  const plan = planGroups(planned, options.plan);
  const groups: GroupLabels[] = [];
  const warnings: RenderWarning[] = [];
  for (const g of plan.groups) {
    const members = g.members.map((m) => resources[m.order]!);
    const labels =
      members.length === 1
        ? singleLabels(members[0]!, prefix, options, warnings)
        : packedLabels(members, g, prefix, options);
    if (g.intervalSeconds !== undefined) labels.push(['__scrape_interval__', `${g.intervalSeconds}s`]);
    if (g.shard !== undefined) labels.push([`${prefix}shard`, String(g.shard)]);
    groups.push(labels);
  }
  return { groups, warnings, figures: plan.figures };
}

/** Exactly the group of `SD_GROUP_BY=resource`. */
export function singleLabels(
  { resource: r, labels, missing }: LabelledResource,
  prefix: string,
  options: CheckedOptions,
  warnings: RenderWarning[],
): GroupLabels {
  const group: GroupLabels = [
    ['__metrics_path__', metricsPathOf(r.type, options)],
    [paramLabelName(r.type, options.paramStyle), r.id],
    ['instance', r.id],
  ];
  for (const [name, value] of labels) group.push([prefix + name, value]);
  if (missing.length > 0)
    warnings.push({ resourceId: r.id, type: r.type, missing: missing.map((n) => prefix + n) });
  return group;
}

function packedLabels(
  members: readonly LabelledResource[],
  g: PlannedGroup,
  prefix: string,
  options: CheckedOptions,
): GroupLabels {
  const idsByType = new Map<Resource['type'], string[]>();
  for (const { resource: r } of members) idsByType.set(r.type, [...(idsByType.get(r.type) ?? []), r.id]);
  // the plan never packs two metrics paths into one group
  const group: GroupLabels = [
    ['__metrics_path__', metricsPathOf(members[0]!.resource.type, options)],
    ['instance', g.key],
  ];
  for (const [type, ids] of idsByType) group.push([paramLabelName(type, options.paramStyle), ids.join(',')]);
  if (idsByType.size === 1) group.push([`${prefix}resource_type`, [...idsByType.keys()][0]!]);
  const organization = members[0]!.resource.organization;
  if (organization !== undefined) group.push([`${prefix}${ORGANIZATION_LABEL}`, organization]);
  return group;
}
