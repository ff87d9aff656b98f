/**
 * The `documents:` section of SD_CONFIG_FILE: documents defined by selection, each with its targets, prefix,
 * organisations, environments, resource types and scrape-plan settings. Without it the documents are the
 * SD_TARGETS × SD_PREFIXES matrix, as before.
 */

import { documentName } from '../bucket/document-name.js';
import { DOCUMENT_NAME_RE } from '../bucket/keys.js';
import type { PartContext } from '../config/part.js';
import { isResourceType, RESOURCE_TYPES, type ResourceType } from '../discovery/resource.js';
import { type Combination, checkPrefix, parseTargetList } from './combination.js';
import { PLAN_FIELDS, type PlanValues, planSettingsOf } from './plan-config.js';
import type { PlanSettings } from './plan-settings.js';
import type { Selection } from './selection.js';

export const DOCUMENTS_SECTION = 'documents';

/** One configured document. */
export interface DocumentSpec {
  name: string;
  combination: Combination;
  /** Absent: every resource. */
  selection?: Selection;
  /** The document's own scrape plan (SD_GROUP_BY=plan): the run's, with its `plan:` overrides. */
  plan: PlanSettings;
}

const KEYS = ['name', 'targets', 'prefix', 'organizations', 'environments', 'resource_types', 'plan'];
/** `plan:` keys → the variable whose rules (and default, the run's value) they follow. */
const PLAN_KEYS: Readonly<Record<string, keyof typeof PLAN_FIELDS>> = {
  scrape_interval: 'SD_SCRAPE_INTERVAL',
  scrapers: 'SD_SCRAPERS',
  metrics_limits: 'SD_METRICS_LIMITS',
  scrape_margin: 'SD_SCRAPE_MARGIN',
  scrape_budget: 'SD_SCRAPE_BUDGET',
  points_limit: 'SD_POINTS_LIMIT',
  max_url_length: 'SD_MAX_URL_LENGTH',
  plan_overflow: 'SD_PLAN_OVERFLOW',
};

interface Defaults {
  targets: string[];
  plan: PlanValues;
}

type Entry = Record<string, unknown>;

/** The configured documents, or undefined without a `documents:` section; every problem pushed. */
export function parseDocuments(
  context: PartContext,
  defaults: Defaults,
  problems: string[],
): DocumentSpec[] | undefined {
  const raw = context.sections?.[DOCUMENTS_SECTION];
  if (raw === undefined) return undefined;
  const where = `SD_CONFIG_FILE ${DOCUMENTS_SECTION}`;
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push(`${where} must be a non-empty list of documents`);
    return [];
  }
  const orgs = organizationNames(context);
  const docs = raw.flatMap((entry: unknown, i) => {
    const doc = parseDocument(entry, `${where}[${i}]`, defaults, orgs, problems);
    return doc ? [doc] : [];
  });
  const seen = new Map<string, number>();
  docs.forEach((d, i) => {
    const other = seen.get(d.name);
    if (other !== undefined)
      problems.push(
        `${where}: documents ${other} and ${i} share the name "${d.name}"; give each its own name:`,
      );
    else seen.set(d.name, i);
  });
  return docs;
}

/** The names under `organizations:` (checked by their own part), or undefined when there is none. */
function organizationNames(context: PartContext): string[] | undefined {
  const raw = context.sections?.organizations;
  if (!Array.isArray(raw)) return undefined;
  return raw.map((o: unknown) => (o && typeof o === 'object' ? String((o as Entry).name ?? '').trim() : ''));
}

function parseDocument(
  entry: unknown,
  where: string,
  defaults: Defaults,
  orgs: string[] | undefined,
  problems: string[],
): DocumentSpec | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    problems.push(
      `${where} must be a map (name, targets, prefix, organizations, environments, resource_types, plan)`,
    );
    return undefined;
  }
  const e = entry as Entry;
  const before = problems.length;
  for (const k of Object.keys(e)) if (!KEYS.includes(k)) problems.push(`${where}: unknown key ${k}`);
  const targets = parseTargets(e.targets, defaults.targets, where, problems);
  const prefix = typeof e.prefix === 'string' ? e.prefix : e.prefix === undefined ? 'confluent_' : undefined;
  const prefixProblem = prefix === undefined ? 'must be a string' : checkPrefix(prefix);
  if (prefixProblem) problems.push(`${where}: prefix ${prefixProblem}`);
  else if (prefix && !prefix.endsWith('_')) problems.push(`${where}: prefix "${prefix}" must end with "_"`);
  const combination = { targets, prefix: prefix ?? '' };
  const name = e.name === undefined ? documentName(combination) : String(e.name);
  if (!DOCUMENT_NAME_RE.test(name))
    problems.push(`${where}: name "${name}" must match ${DOCUMENT_NAME_RE.source}`);
  const selection = parseSelection(e, where, orgs, problems);
  const plan = parsePlan(e.plan, defaults.plan, where, problems);
  if (problems.length > before) return undefined;
  return { name, combination, ...(selection ? { selection } : {}), plan };
}

function parseTargets(value: unknown, fallback: string[], where: string, problems: string[]): string[] {
  if (value === undefined) return fallback;
  const text = Array.isArray(value)
    ? value.map(String).join(',')
    : typeof value === 'string'
      ? value
      : undefined;
  if (text === undefined) {
    problems.push(`${where}: targets must be a list of host[:port]`);
    return [];
  }
  const parsed = parseTargetList(text);
  for (const p of parsed.problems) problems.push(`${where}: targets: ${p}`);
  return parsed.targets;
}

function stringList(value: unknown, what: string, problems: string[]): string[] | undefined {
  const list = typeof value === 'string' ? [value] : value;
  if (Array.isArray(list) && list.length > 0 && list.every((x) => typeof x === 'string' && x.trim() !== ''))
    return list.map((x: string) => x.trim());
  problems.push(`${what} must be a non-empty list of strings`);
  return undefined;
}

function parseSelection(
  e: Entry,
  where: string,
  orgs: string[] | undefined,
  problems: string[],
): Selection | undefined {
  const s: Selection = {};
  if (e.organizations !== undefined) {
    const names = stringList(e.organizations, `${where}: organizations`, problems);
    for (const n of names ?? [])
      if (!orgs?.includes(n))
        problems.push(`${where}: organizations names "${n}", which is not under organizations:`);
    if (names) s.organizations = names;
  }
  if (e.environments !== undefined) {
    const env = e.environments;
    const isMap = env !== null && typeof env === 'object' && !Array.isArray(env);
    const map = (isMap ? env : { include: env }) as Entry;
    for (const k of Object.keys(map))
      if (k !== 'include' && k !== 'exclude') problems.push(`${where}: environments: unknown key ${k}`);
    const include =
      map.include === undefined
        ? undefined
        : stringList(map.include, `${where}: environments.include`, problems);
    const exclude =
      map.exclude === undefined
        ? undefined
        : stringList(map.exclude, `${where}: environments.exclude`, problems);
    s.environments = { ...(include ? { include } : {}), ...(exclude ? { exclude } : {}) };
  }
  if (e.resource_types !== undefined) {
    const types = stringList(e.resource_types, `${where}: resource_types`, problems) ?? [];
    const bad = types.filter((t) => !isResourceType(t));
    if (bad.length > 0)
      problems.push(
        `${where}: resource_types: unknown ${bad.join(', ')} (known: ${RESOURCE_TYPES.join(', ')})`,
      );
    else s.resourceTypes = types as ResourceType[];
  }
  return Object.keys(s).length > 0 ? s : undefined;
}

function parsePlan(value: unknown, base: PlanValues, where: string, problems: string[]): PlanSettings {
  if (value === undefined) return planSettingsOf(base);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${where}: plan must be a map of ${Object.keys(PLAN_KEYS).join(', ')}`);
    return planSettingsOf(base);
  }
  const values: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(value)) {
    const variable = PLAN_KEYS[k];
    if (!variable) {
      problems.push(`${where}: plan: unknown key ${k} (known: ${Object.keys(PLAN_KEYS).join(', ')})`);
      continue;
    }
    const parsed = PLAN_FIELDS[variable](`${where}: plan.${k}`).safeParse(String(v));
    if (parsed.success) values[variable] = parsed.data;
    else problems.push(...parsed.error.issues.map((i) => i.message));
  }
  return planSettingsOf(values as unknown as PlanValues);
}
