/**
 * Grouping `by: environment` (DESIGN §2): for organisations too large to scrape one request per resource,
 * one group per (environment, type, batch of at most batchSize ids), the ids comma-joined in the parameter
 * (the Metrics API export endpoint accepts comma lists). Only environment-level labels; `instance` is
 * `<environment id>/<type>/<batch number from 1>` so each group's `up` series stays apart.
 */
import { AppError } from '../errors.js';
import type { BuiltGroups, CheckedOptions, GroupLabels, RenderWarning } from './groups.js';
import { type LabelledResource, metricsPathOf, ORGANIZATION_LABEL, paramLabelName } from './labels.js';

/** Stands in for a missing environment id in `instance`, so the group stays unique and readable. */
export const NO_ENVIRONMENT = 'no-environment';

export function buildEnvironmentGroups(
  resources: readonly LabelledResource[],
  prefix: string,
  options: CheckedOptions,
): BuiltGroups {
  const groups: GroupLabels[] = [];
  const warnings: RenderWarning[] = [];
  // resources are sorted by type, environment, id: each (type, environment) is one consecutive run
  let start = 0;
  while (start < resources.length) {
    const first = resources[start]!.resource;
    let end = start + 1;
    while (
      end < resources.length &&
      resources[end]!.resource.type === first.type &&
      resources[end]!.resource.environmentId === first.environmentId
    )
      end++;
    const run = resources.slice(start, end);
    const environmentId = typeof first.environmentId === 'string' ? first.environmentId : '';
    const environmentName = run.find((r) => r.environmentName !== undefined)?.environmentName;
    for (let b = 0; b * options.batchSize < run.length; b++) {
      const batch = run.slice(b * options.batchSize, (b + 1) * options.batchSize);
      const ids = batch.map(({ resource: r }) => {
        if (r.id.includes(','))
          throw new AppError(
            'RENDER_INVALID',
            `render: ${r.type} id "${r.id}" has a comma; ids cannot be grouped`,
          );
        return r.id;
      });
      const group: GroupLabels = [
        ['__metrics_path__', metricsPathOf(first.type, options)],
        [paramLabelName(first.type, options.paramStyle), ids.join(',')],
        ['instance', `${environmentId || NO_ENVIRONMENT}/${first.type}/${b + 1}`],
        [`${prefix}resource_type`, first.type],
      ];
      const missing: string[] = [];
      if (environmentId) group.push([`${prefix}environment_id`, environmentId]);
      else missing.push(`${prefix}environment_id`);
      if (environmentName !== undefined) group.push([`${prefix}environment_name`, environmentName]);
      else missing.push(`${prefix}environment_name`);
      if (first.organization !== undefined)
        group.push([`${prefix}${ORGANIZATION_LABEL}`, first.organization]);
      groups.push(group);
      if (missing.length > 0)
        for (const id of ids) warnings.push({ resourceId: id, type: first.type, missing: [...missing] });
    }
    start = end;
  }
  return { groups, warnings };
}
