/**
 * Inventory × combination → the http_sd document of DESIGN §2, as the exact bytes to publish. Pure: the same
 * inventory, combination and options always give byte-identical output (groups and label names sorted).
 */

import { documentName } from '../bucket/document-name.js';
import { GROUPINGS, type GroupBy, type ParamStyle } from '../bucket/manifest.js';
import type { Inventory } from '../discovery/resource.js';
import { AppError } from '../errors.js';
import { type Combination, checkPrefix, checkTarget } from './combination.js';
import { buildEnvironmentGroups } from './environment-groups.js';
import { type BuiltGroups, type CheckedOptions, type RenderWarning, serializeGroup } from './groups.js';
import { type RenderedInfo, renderInfo } from './info.js';
import { type LabelledResource, labelInventory } from './labels.js';
import type { PlanFigures } from './plan.js';
import { buildPlanGroups, singleLabels } from './plan-groups.js';
import type { PlanSettings } from './plan-settings.js';
import type { Selection } from './selection.js';

export type { RenderWarning } from './groups.js';

export const DEFAULT_METRICS_PATH = '/v2/metrics/cloud/export';
/** Custom connectors are exported from their own dataset (reference §7.2, §12). */
export const DEFAULT_CUSTOM_METRICS_PATH = '/v2/metrics/cloud-custom/export';

export interface RenderOptions {
  paramStyle: ParamStyle;
  groupBy: GroupBy;
  /** Most ids in one group when grouping by environment. */
  batchSize: number;
  /** Of the `cloud` dataset; default '/v2/metrics/cloud/export'. */
  metricsPath?: string;
  /** Of the `cloud-custom` dataset (custom connectors); default '/v2/metrics/cloud-custom/export'. */
  customMetricsPath?: string;
  /** Required with `groupBy: 'plan'`. */
  plan?: PlanSettings;
}

export interface RenderedDocument {
  name: string;
  combination: Combination;
  /** The exact bytes to publish; ends with '\n'. */
  body: string;
  groups: number;
  warnings: RenderWarning[];
  /** The scrape plan's figures (SD_GROUP_BY=plan). */
  plan?: PlanFigures;
  /** The resources' labels as `confluent_resource_info` series, to join with their metrics. */
  info: RenderedInfo;
  /** SD_CONFIG_FILE `documents:`: what the document selects, and what of that matched nothing (warnings). */
  selection?: Selection;
  unmatched?: string[];
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

/** One document of already labelled resources; `name` defaults to the combination's (document-name.ts). */
export function renderCombination(
  resources: readonly LabelledResource[],
  combination: Combination,
  options: CheckedOptions,
  name: string = documentName(combination),
): RenderedDocument {
  const problems = checkCombination(combination);
  if (problems.length > 0) {
    const what = `targets ${JSON.stringify(combination.targets)} prefix ${JSON.stringify(combination.prefix)}`;
    throw new AppError('RENDER_INVALID', `render document for ${what}: ${problems.join('; ')}`);
  }
  const { prefix } = combination;
  const targetsJson = JSON.stringify(combination.targets);
  const built = buildLines(resources, prefix, options, targetsJson);
  const { lines, warnings } = built;
  return {
    name,
    combination: { targets: [...combination.targets], prefix },
    body: lines.length === 0 ? '[]\n' : `[\n${lines.join(',\n')}\n]\n`,
    groups: lines.length,
    warnings,
    ...(built.plan ? { plan: built.plan } : {}),
    info: renderInfo(resources, prefix),
  };
}

function buildLines(
  resources: readonly LabelledResource[],
  prefix: string,
  options: CheckedOptions,
  targetsJson: string,
): { lines: string[]; warnings: RenderWarning[]; plan?: PlanFigures } {
  if (options.groupBy === 'environment')
    return serializeGroups(buildEnvironmentGroups(resources, prefix, options), targetsJson);
  if (options.groupBy === 'plan' && options.plan) {
    const built = buildPlanGroups(resources, prefix, { ...options, plan: options.plan });
    return { ...serializeGroups(built, targetsJson), plan: built.figures };
  }
  return buildResourceLines(resources, prefix, options, targetsJson);
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
  const warnings: RenderWarning[] = [];
  const lines = resources.map((r) => serializeGroup(singleLabels(r, prefix, options, warnings), targetsJson));
  return { lines, warnings };
}

export function checkOptions(options: RenderOptions): CheckedOptions {
  const problems: string[] = [];
  if (options.paramStyle !== 'underscore' && options.paramStyle !== 'dotted')
    problems.push(`param style ${JSON.stringify(options.paramStyle)} must be "underscore" or "dotted"`);
  if (!(GROUPINGS as readonly string[]).includes(options.groupBy))
    problems.push(`grouping ${JSON.stringify(options.groupBy)} must be one of ${GROUPINGS.join(', ')}`);
  if (options.groupBy === 'plan' && !options.plan) problems.push('grouping "plan" needs the plan settings');
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1)
    problems.push(`batch size ${options.batchSize} must be an integer of at least 1`);
  const metricsPaths = {
    cloud: options.metricsPath ?? DEFAULT_METRICS_PATH,
    'cloud-custom': options.customMetricsPath ?? DEFAULT_CUSTOM_METRICS_PATH,
  };
  // Prometheus escapes the path, so a query string here would reach the API as a literal "%3F".
  for (const path of Object.values(metricsPaths))
    if (!/^\/[^?#\s]*$/.test(path))
      problems.push(`metrics path ${JSON.stringify(path)} must start with "/" and have no query or spaces`);
  if (problems.length > 0) throw new AppError('RENDER_INVALID', `render: ${problems.join('; ')}`);
  return {
    paramStyle: options.paramStyle,
    groupBy: options.groupBy,
    batchSize: options.batchSize,
    metricsPaths,
    ...(options.plan ? { plan: options.plan } : {}),
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
