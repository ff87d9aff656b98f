/**
 * The info document of a combination: one `confluent_resource_info` series per resource in the Prometheus text
 * format (the `kube_pod_info` pattern). A batched target group cannot carry one cluster's name, so the names
 * travel here and a query joins them on the id label the Metrics API puts on every series:
 * `… * on(kafka_id) group_left(confluent_cluster_name) confluent_resource_info{confluent_resource_type="kafka"}`.
 */
import type { LabelledResource } from './labels.js';

export const INFO_METRIC = 'confluent_resource_info';

export interface RenderedInfo {
  /** Prometheus text format 0.0.4, ends with '\n'. */
  body: string;
  series: number;
}

/** The label the Metrics API's export puts a resource's id in: `kafka_id`, `connector_id`, … */
export function idLabelName(type: string): string {
  return `${type}_id`;
}

export function renderInfo(resources: readonly LabelledResource[], prefix: string): RenderedInfo {
  const lines = [
    `# HELP ${INFO_METRIC} Labels of a Confluent Cloud resource (from confluent-sd), to join on its id label.`,
    `# TYPE ${INFO_METRIC} gauge`,
  ];
  for (const { resource, labels, infoLabels } of resources) {
    const all: [string, string][] = [[idLabelName(resource.type), resource.id]];
    for (const [name, value] of [...labels, ...infoLabels]) all.push([prefix + name, value]);
    all.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const text = all.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',');
    lines.push(`${INFO_METRIC}{${text}} 1`);
  }
  return { body: `${lines.join('\n')}\n`, series: resources.length };
}

/** Text format escaping of a label value: backslash, double quote and line feed. */
function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
