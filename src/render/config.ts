/**
 * The `render` config part: the combinations (SD_TARGETS × SD_PREFIXES, one document each), SD_PARAM_STYLE,
 * SD_GROUP_BY, SD_BATCH_SIZE and the scrape plan's variables (plan-config.ts).
 */

import { documentName } from '../bucket/document-name.js';
import { GROUPINGS, type GroupBy, PARAM_STYLES, type ParamStyle } from '../bucket/manifest.js';
import { oneOf, wholeNumber } from '../config/fields.js';
import { defineConfigPart, field } from '../config/part.js';
import { type Combination, checkPrefix, parseTargetList } from './combination.js';
import { DOCUMENTS_SECTION, type DocumentSpec, parseDocuments } from './documents-config.js';
import { PLAN_DEFAULTS, PLAN_FIELDS, planSettingsOf } from './plan-config.js';
import type { PlanSettings } from './plan-settings.js';

export interface RenderConfig {
  combinations: Combination[];
  paramStyle: ParamStyle;
  groupBy: GroupBy;
  batchSize: number;
  /** The budgets of `SD_GROUP_BY=plan`. */
  plan: PlanSettings;
  /** SD_CONFIG_FILE `documents:`: when present, the documents rendered instead of the `combinations` matrix. */
  documents?: DocumentSpec[];
}

/** `a,b; c` → [['a', 'b'], ['c']]. */
function parseTargetLists(text: string, problems: string[]): string[][] {
  const lists = text
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (lists.length === 0) problems.push('SD_TARGETS must name at least one target list');
  return lists.map((list) => {
    const parsed = parseTargetList(list);
    for (const p of parsed.problems) problems.push(`SD_TARGETS: ${p}`);
    return parsed.targets;
  });
}

/**
 * `,confluent_` → ['', 'confluent_'] (an empty entry is "no prefix"). A prefix must end with `_`: `confluent` would
 * make `confluentcloud_provider`, and silently adding the `_` would rename every label of a running setup, so it is
 * refused and the message names the prefix to use.
 */
function parsePrefixes(text: string, problems: string[]): string[] {
  const prefixes = [...new Set(text.split(',').map((p) => p.trim()))];
  for (const p of prefixes) {
    const problem = checkPrefix(p);
    if (problem) problems.push(`SD_PREFIXES: ${problem}`);
    else if (p !== '' && !p.endsWith('_'))
      problems.push(
        `SD_PREFIXES: prefix "${p}" must end with "_" (its labels would read "${p}cloud_provider"); use "${p}_"`,
      );
  }
  return prefixes;
}

function combinationsOf(targetLists: string[][], prefixes: string[]): Combination[] {
  return targetLists.flatMap((targets) => prefixes.map((prefix) => ({ targets, prefix })));
}

/** Two combinations must not share a document name. */
function checkDocumentNames(combinations: Combination[], problems: string[]): void {
  const names = new Map<string, string>();
  for (const c of combinations) {
    const name = documentName(c);
    const other = names.get(name);
    const label = `targets=${c.targets.join(',')} prefix="${c.prefix}"`;
    if (other)
      problems.push(`SD_TARGETS/SD_PREFIXES: ${label} and ${other} share the document name "${name}"`);
    else names.set(name, label);
  }
}

const PLAN_VARIABLES = Object.keys(PLAN_FIELDS) as (keyof typeof PLAN_FIELDS)[];

export const renderPart = defineConfigPart(
  {
    SD_TARGETS: field((text, _name, problems) => parseTargetLists(text ?? '', problems)),
    SD_PREFIXES: field((text, _name, problems) => parsePrefixes(text ?? '', problems)),
    SD_PARAM_STYLE: oneOf(PARAM_STYLES),
    SD_GROUP_BY: oneOf(GROUPINGS),
    SD_BATCH_SIZE: wholeNumber(1, 1000),
    ...PLAN_FIELDS,
  },
  {
    defaults: {
      SD_TARGETS: 'api.telemetry.confluent.cloud',
      SD_PREFIXES: ',confluent_',
      SD_PARAM_STYLE: 'underscore',
      SD_GROUP_BY: 'plan',
      SD_BATCH_SIZE: '50',
      ...PLAN_DEFAULTS,
    },
    checks: [
      {
        reads: ['SD_TARGETS', 'SD_PREFIXES'],
        check: (v, problems) => checkDocumentNames(combinationsOf(v.SD_TARGETS, v.SD_PREFIXES), problems),
      },
      {
        reads: ['SD_TARGETS', ...PLAN_VARIABLES],
        check: (v, problems, context) => {
          parseDocuments(context, { targets: v.SD_TARGETS[0] ?? [], plan: v }, problems);
        },
      },
    ],
    sections: [DOCUMENTS_SECTION],
    build: (v, context): RenderConfig => {
      // valid here: the check above passed
      const documents = parseDocuments(context, { targets: v.SD_TARGETS[0] ?? [], plan: v }, []);
      return {
        combinations: combinationsOf(v.SD_TARGETS, v.SD_PREFIXES),
        paramStyle: v.SD_PARAM_STYLE,
        groupBy: v.SD_GROUP_BY,
        batchSize: v.SD_BATCH_SIZE,
        plan: planSettingsOf(v),
        ...(documents ? { documents } : {}),
      };
    },
  },
);
