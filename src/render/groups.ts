/** What a grouping builds (target groups as label lists) and how a group becomes one line of the document. */
import type { GroupBy, ParamStyle } from '../bucket/manifest.js';
import type { Dataset, ResourceType } from '../discovery/resource.js';
import type { PlanSettings } from './plan-settings.js';

export interface RenderWarning {
  resourceId: string;
  type: ResourceType;
  /** Label names (with the prefix) left out because their value is unknown. */
  missing: string[];
}

/** Label entries of one target group, in any order (serialisation sorts them). */
export type GroupLabels = (readonly [string, string])[];

export interface BuiltGroups {
  groups: GroupLabels[];
  warnings: RenderWarning[];
}

/** Render options after their check: every field present and valid. */
export interface CheckedOptions {
  paramStyle: ParamStyle;
  groupBy: GroupBy;
  batchSize: number;
  /** `__metrics_path__` per dataset: `/v2/metrics/cloud/export`, `/v2/metrics/cloud-custom/export`. */
  metricsPaths: Readonly<Record<Dataset, string>>;
  plan?: PlanSettings;
}

/** `{"labels":{…sorted…},"targets":[…]}` on one line; built by hand so key order never depends on the engine. */
export function serializeGroup(group: GroupLabels, targetsJson: string): string {
  const sorted = [...group].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const labels = sorted.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`).join(',');
  return `{"labels":{${labels}},"targets":${targetsJson}}`;
}
