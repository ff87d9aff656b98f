/**
 * A document's selection (SD_CONFIG_FILE `documents:`): which organisations, environments (ids or names, include
 * and exclude, `*` and `?` globs) and resource types it holds. Pure: resources in, resources out.
 */
import type { Environment, ResourceType } from '../discovery/resource.js';
import type { LabelledResource } from './labels.js';

export interface Selection {
  /** Organisation names; absent: every organisation. */
  organizations?: string[];
  /** Patterns matched against an environment's id and its name; absent include: every environment. */
  environments?: { include?: string[]; exclude?: string[] };
  /** Absent: every type. */
  resourceTypes?: ResourceType[];
}

/** `payments-*` → /^payments-.*$/; `*` any run of characters, `?` one, everything else literal. */
export function globToRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 's');
}

interface CompiledSelection {
  organizations?: ReadonlySet<string>;
  include?: RegExp[];
  exclude: RegExp[];
  types?: ReadonlySet<string>;
}

function compile(s: Selection): CompiledSelection {
  return {
    ...(s.organizations ? { organizations: new Set(s.organizations) } : {}),
    ...(s.environments?.include ? { include: s.environments.include.map(globToRegExp) } : {}),
    exclude: (s.environments?.exclude ?? []).map(globToRegExp),
    ...(s.resourceTypes ? { types: new Set(s.resourceTypes) } : {}),
  };
}

function matchesEnvironment(c: CompiledSelection, id: string, name: string | undefined): boolean {
  const hit = (re: RegExp) => re.test(id) || (name !== undefined && re.test(name));
  if (c.include && !c.include.some(hit)) return false;
  return !c.exclude.some(hit);
}

/** The resources a selection holds, in their order. */
export function selectResources(
  resources: readonly LabelledResource[],
  selection: Selection,
): LabelledResource[] {
  const c = compile(selection);
  return resources.filter(({ resource: r, environmentName }) => {
    if (c.types && !c.types.has(r.type)) return false;
    if (c.organizations && !(r.organization !== undefined && c.organizations.has(r.organization)))
      return false;
    return matchesEnvironment(c, r.environmentId, environmentName);
  });
}

/**
 * The parts of a selection that match nothing discovered, as sentences for a warning: an organisation name or an
 * environment pattern that meets no environment is most likely a typo, and silently gives an empty document.
 */
export function unmatchedParts(selection: Selection, environments: readonly Environment[]): string[] {
  const out: string[] = [];
  const orgs = new Set(environments.map((e) => e.organization).filter((o) => o !== undefined));
  for (const o of selection.organizations ?? [])
    if (!orgs.has(o)) out.push(`organization "${o}" has no environment in this run`);
  const scope = environments.filter(
    (e) =>
      !selection.organizations ||
      (e.organization !== undefined && selection.organizations.includes(e.organization)),
  );
  for (const kind of ['include', 'exclude'] as const) {
    for (const p of selection.environments?.[kind] ?? []) {
      const re = globToRegExp(p);
      if (!scope.some((e) => re.test(e.id) || (e.name !== undefined && re.test(e.name))))
        out.push(`environments ${kind} "${p}" matches no environment`);
    }
  }
  return out;
}
