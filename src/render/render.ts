/**
 * Inventory × combination → the http_sd document of DESIGN §2, as the exact bytes to publish. Pure: the same
 * inventory, combination and options always give byte-identical output (groups and label names sorted).
 */

import type { Inventory, ResourceType } from '../discovery/resource.js';
import { AppError } from '../errors.js';
import { type Combination, checkPrefix, checkTarget, documentName } from './combination.js';
import type { GroupBy, ParamStyle } from './config.js';
import { buildEnvironmentGroups } from './environment-groups.js';
import { type LabelledResource, labelInventory, paramLabelName } from './labels.js';

export const DEFAULT_METRICS_PATH = '/v2/metrics/cloud/export';

export interface RenderOptions {
  paramStyle: ParamStyle;
  groupBy: GroupBy;
  /** Most ids in one group when grouping by environment. */
  batchSize: number;
  /** Default '/v2/metrics/cloud/export'. */
  metricsPath?: string;
}

export interface RenderWarning {
  resourceId: string;
  type: ResourceType;
  /** Label names (with the prefix) left out because their value is unknown. */
  missing: string[];
}

export interface RenderedDocument {
  name: string;
  combination: Combination;
  /** The exact bytes to publish; ends with '\n'. */
  body: string;
  groups: number;
  warnings: RenderWarning[];
}

/** Label entries of one target group, in any order (serialisation sorts them). */
export type GroupLabels = (readonly [string, string])[];

export interface BuiltGroups {
  groups: GroupLabels[];
  warnings: RenderWarning[];
}

export interface CheckedOptions {
  paramStyle: ParamStyle;
  groupBy: GroupBy;
  batchSize: number;
  metricsPath: string;
}

export function renderDocument(
  inventory: Inventory,
  combination: Combination,
  options: RenderOptions,
): RenderedDocument {
  const checked = checkOptions(options);
  return renderCombination(labelInventory(inventory), combination, checked);
}

/** Every combination of one run, sorted by document name; the inventory is checked and labelled once. */
export function renderAll(
  inventory: Inventory,
  combinations: readonly Combination[],
  options: RenderOptions,
): RenderedDocument[] {
  const checked = checkOptions(options);
  const resources = labelInventory(inventory);
  const docs = combinations.map((c) => renderCombination(resources, c, checked));
  docs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (let i = 1; i < docs.length; i++) {
    if (docs[i]!.name === docs[i - 1]!.name)
      throw new AppError(
        'RENDER_INVALID',
        `render: two combinations share the document name "${docs[i]!.name}"`,
      );
  }
  return docs;
}

function renderCombination(
  resources: readonly LabelledResource[],
  combination: Combination,
  options: CheckedOptions,
): RenderedDocument {
  const problems = checkCombination(combination);
  if (problems.length > 0) {
    const what = `targets ${JSON.stringify(combination.targets)} prefix ${JSON.stringify(combination.prefix)}`;
    throw new AppError('RENDER_INVALID', `render document for ${what}: ${problems.join('; ')}`);
  }
  const { prefix } = combination;
  const targetsJson = JSON.stringify(combination.targets);
  const { lines, warnings } =
    options.groupBy === 'environment'
      ? serializeGroups(buildEnvironmentGroups(resources, prefix, options), targetsJson)
      : buildResourceLines(resources, prefix, options, targetsJson);
  return {
    name: documentName(combination),
    combination: { targets: [...combination.targets], prefix },
    body: lines.length === 0 ? '[]\n' : `[\n${lines.join(',\n')}\n]\n`,
    groups: lines.length,
    warnings,
  };
}

function serializeGroups(
  built: BuiltGroups,
  targetsJson: string,
): { lines: string[]; warnings: RenderWarning[] } {
  return { lines: built.groups.map((g) => serializeGroup(g, targetsJson)), warnings: built.warnings };
}

/**
 * One group per resource: the scrape parameter, `instance` = resource id, seed and extra labels. Each group is
 * serialised as soon as it is built, so a large organisation leaves short-lived garbage only (peak memory).
 */
function buildResourceLines(
  resources: readonly LabelledResource[],
  prefix: string,
  options: CheckedOptions,
  targetsJson: string,
): { lines: string[]; warnings: RenderWarning[] } {
  const lines: string[] = [];
  const warnings: RenderWarning[] = [];
  for (const { resource: r, labels, missing } of resources) {
    const group: GroupLabels = [
      ['__metrics_path__', options.metricsPath],
      [paramLabelName(r.type, options.paramStyle), r.id],
      ['instance', r.id],
    ];
    for (const [name, value] of labels) group.push([prefix + name, value]);
    lines.push(serializeGroup(group, targetsJson));
    if (missing.length > 0)
      warnings.push({ resourceId: r.id, type: r.type, missing: missing.map((n) => prefix + n) });
  }
  return { lines, warnings };
}

/** `{"labels":{…sorted…},"targets":[…]}` on one line; built by hand so key order never depends on the engine. */
function serializeGroup(group: GroupLabels, targetsJson: string): string {
  const sorted = [...group].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const labels = sorted.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`).join(',');
  return `{"labels":{${labels}},"targets":${targetsJson}}`;
}

function checkOptions(options: RenderOptions): CheckedOptions {
  const problems: string[] = [];
  if (options.paramStyle !== 'underscore' && options.paramStyle !== 'dotted')
    problems.push(`param style ${JSON.stringify(options.paramStyle)} must be "underscore" or "dotted"`);
  if (options.groupBy !== 'resource' && options.groupBy !== 'environment')
    problems.push(`grouping ${JSON.stringify(options.groupBy)} must be "resource" or "environment"`);
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1)
    problems.push(`batch size ${options.batchSize} must be an integer of at least 1`);
  const metricsPath = options.metricsPath ?? DEFAULT_METRICS_PATH;
  // Prometheus escapes the path, so a query string here would reach the API as a literal "%3F".
  if (!/^\/[^?#\s]*$/.test(metricsPath))
    problems.push(
      `metrics path ${JSON.stringify(metricsPath)} must start with "/" and have no query or spaces`,
    );
  if (problems.length > 0) throw new AppError('RENDER_INVALID', `render: ${problems.join('; ')}`);
  return {
    paramStyle: options.paramStyle,
    groupBy: options.groupBy,
    batchSize: options.batchSize,
    metricsPath,
  };
}

/** Every problem of a combination: prefix rule, at least one target, host or host:port each, no repeats. */
export function checkCombination(combination: Combination): string[] {
  const problems: string[] = [];
  const prefixProblem = checkPrefix(combination.prefix);
  if (prefixProblem) problems.push(prefixProblem);
  const targets = combination.targets;
  if (!Array.isArray(targets) || targets.length === 0) {
    problems.push('a target list must name at least one target');
    return problems;
  }
  for (const t of targets) {
    const p = typeof t === 'string' ? checkTarget(t) : `target ${JSON.stringify(t)} must be a string`;
    if (p) problems.push(p);
  }
  if (new Set(targets).size !== targets.length) problems.push('a target list must not name a target twice');
  return problems;
}
