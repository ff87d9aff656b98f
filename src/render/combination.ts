/**
 * A combination is what one SD document is rendered for: the `targets` list (in the given order) and a label prefix.
 * Pure rules, shared by config parsing, rendering and the server's `/discovery` endpoint.
 */
export interface Combination {
  targets: string[];
  prefix: string;
}

export const PREFIX_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
// host or host:port; DNS names and IPv4 only (no scheme, no path, no brackets).
const HOST_RE =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Why a prefix is invalid, or undefined when it is valid. The empty prefix is valid. */
export function checkPrefix(prefix: string): string | undefined {
  if (prefix === '') return undefined;
  if (!PREFIX_RE.test(prefix)) return `prefix "${prefix}" must match ${PREFIX_RE.source}`;
  if (prefix.startsWith('__')) return `prefix "${prefix}" must not start with "__" (reserved by Prometheus)`;
  return undefined;
}

/** Why a target is invalid (host or host:port, no scheme, no path), or undefined when it is valid. */
export function checkTarget(target: string): string | undefined {
  if (target.includes('://'))
    return `target "${target}" must not have a scheme (set scheme: https in the scrape config)`;
  if (target.includes('/')) return `target "${target}" must not have a path`;
  const m = /^([^:]*)(?::(\d{1,5}))?$/.exec(target);
  if (!m || !HOST_RE.test(m[1] ?? '')) return `target "${target}" must be host or host:port`;
  if (m[2] !== undefined) {
    const port = Number(m[2]);
    if (port < 1 || port > 65535) return `target "${target}" has a port outside 1-65535`;
  }
  return undefined;
}

/** Splits `a,b` into targets; whitespace around entries is ignored. Returns the list and every problem found. */
export function parseTargetList(text: string): { targets: string[]; problems: string[] } {
  const targets = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const problems: string[] = [];
  if (targets.length === 0) problems.push('a target list must name at least one target');
  for (const t of targets) {
    const p = checkTarget(t);
    if (p) problems.push(p);
  }
  if (new Set(targets).size !== targets.length) problems.push(`target list "${text}" names a target twice`);
  return { targets, problems };
}
