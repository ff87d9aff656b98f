/**
 * A regrouping: the same resources scraped in other target groups. Moving between `SD_GROUP_BY=resource` and a
 * packed plan, a plan that grows into more buckets, or one that degrades differently changes the groups, not the
 * resources; `diff` reports it as such (a setting of the document) instead of as resources removed and added.
 */
import type { DocumentEntry, GroupBy, PlanFiguresEntry } from '../bucket/manifest.js';
import type { DocumentContent } from './document-resources.js';
import type { Side } from './match-documents.js';
import { plural } from './text.js';

/** How one side grouped its resources: from the manifest entry (the plan's figures where it has them). */
export interface Grouping {
  groupBy: GroupBy;
  groups: number;
  /** The plan's figures; null for a document without them (another grouping, or an older snapshot). */
  intervalSeconds: number | null;
  requestsPerMinute: number | null;
  budgetPerMinute: number | null;
  degraded: PlanFiguresEntry['degraded'] | null;
  shards: number | null;
  /** Why the plan is degraded ('' when it is not). */
  reason: string | null;
}

export interface Regrouping {
  from: Grouping;
  to: Grouping;
  /** Resources on both sides scraped in another group (its `instance`), shard or scrape interval than before. */
  moved: number;
}

export function groupingOf(entry: DocumentEntry): Grouping {
  const p = entry.plan;
  return {
    groupBy: entry.groupBy,
    groups: entry.groups,
    intervalSeconds: p?.intervalSeconds ?? null,
    requestsPerMinute: p?.requestsPerMinute ?? null,
    budgetPerMinute: p?.budgetPerMinute ?? null,
    degraded: p?.degraded ?? null,
    shards: p?.shards ?? null,
    reason: p?.reason ?? null,
  };
}

function involvesPlan(entry: DocumentEntry): boolean {
  return entry.groupBy === 'plan' || entry.plan !== undefined;
}

export function countMoved(a: DocumentContent, b: DocumentContent): number {
  let moved = 0;
  for (const key of a.resources.keys()) {
    const p = a.placement?.get(key);
    const q = b.placement?.get(key);
    if (!p || !q) continue;
    if (p.group !== q.group || p.shard !== q.shard || p.interval !== q.interval) moved++;
  }
  return moved;
}

/** Settings of the plan that make a regrouping even when no resource moved. */
const PLAN_SETTINGS = ['intervalSeconds', 'budgetPerMinute', 'degraded', 'shards'] as const;

/**
 * The regrouping of a document pair in which a plan takes part (on either side), or undefined: the grouping
 * changed, a resource moved, or the plan's interval, budget or degradation changed. A group count that follows
 * resources added or removed alone is not a regrouping.
 */
export function regroupingOf(x: Side, y: Side): Regrouping | undefined {
  if (!involvesPlan(x.entry) && !involvesPlan(y.entry)) return undefined;
  const from = groupingOf(x.entry);
  const to = groupingOf(y.entry);
  const moved = countMoved(x.content, y.content);
  const planChanged =
    x.entry.plan !== undefined && y.entry.plan !== undefined && PLAN_SETTINGS.some((k) => from[k] !== to[k]);
  if (from.groupBy === to.groupBy && moved === 0 && !planChanged) return undefined;
  return { from, to, moved };
}

function describeGrouping(g: Grouping, withInterval: boolean): string {
  const parts: string[] = [];
  if (g.requestsPerMinute !== null)
    parts.push(`${g.requestsPerMinute} requests/min`, `budget ${g.budgetPerMinute}`);
  if (withInterval) parts.push(`every ${g.intervalSeconds}s`);
  if (g.degraded !== null && g.degraded !== 'none') parts.push(`degraded ${g.degraded}`);
  if (g.degraded === 'shard') parts.push(plural(g.shards ?? 0, 'shard'));
  return `${g.groupBy} ${plural(g.groups, 'group')}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

/** `regrouped resource 8 groups → plan 2 groups (2 requests/min, budget 2), 8 resources moved` */
export function formatRegrouping(r: Regrouping): string {
  const interval =
    r.from.intervalSeconds !== null &&
    r.to.intervalSeconds !== null &&
    r.from.intervalSeconds !== r.to.intervalSeconds;
  return `regrouped ${describeGrouping(r.from, interval)} → ${describeGrouping(r.to, interval)}, ${plural(r.moved, 'resource')} moved`;
}
