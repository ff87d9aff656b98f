/**
 * When the groups do not fit the requests per minute one Prometheus may send, the user chooses how the plan gives
 * way (never silently over budget): `interval` scrapes the least important groups less often, `shard` spreads the
 * groups over several Prometheus servers that each keep one shard (a relabel `keep` on the shard label).
 */
import type { PlannedGroup } from './plan-group.js';
import type { Overflow } from './plan-settings.js';

export interface OverflowResult {
  groups: PlannedGroup[];
  degraded: 'none' | 'interval' | 'shard';
  shards: number;
}

/** `capacity` = the groups one Prometheus can scrape every `interval` seconds within its budget. */
export function overflowGroups(
  groups: readonly PlannedGroup[],
  capacity: number,
  interval: number,
  overflow: Overflow,
): OverflowResult {
  if (groups.length <= capacity || capacity < 1) return { groups: [...groups], degraded: 'none', shards: 1 };
  if (overflow === 'shard') return shardGroups(groups, capacity);
  return slowDown(groups, capacity, interval);
}

function shardGroups(groups: readonly PlannedGroup[], capacity: number): OverflowResult {
  const shards = Math.ceil(groups.length / capacity);
  return { groups: groups.map((g, i) => ({ ...g, shard: i % shards })), degraded: 'shard', shards };
}

/**
 * The `n` most important groups keep the interval, the others are scraped every `m` intervals, with the smallest
 * `m` that fits and then the largest `n`: `n + (groups - n) / m <= capacity`.
 */
function slowDown(groups: readonly PlannedGroup[], capacity: number, interval: number): OverflowResult {
  const total = groups.length;
  const m = Math.max(2, Math.ceil(total / capacity));
  const keep = Math.max(0, Math.floor(((capacity - total / m) * m) / (m - 1)));
  const ranked = [...groups].sort(byImportance);
  const slow = new Set(ranked.slice(keep));
  return {
    groups: groups.map((g) => (slow.has(g) ? { ...g, intervalSeconds: interval * m } : g)),
    degraded: 'interval',
    shards: 1,
  };
}

/** Kafka clusters first (their metrics are the ones teams page on), then bigger groups, then by key. */
function byImportance(a: PlannedGroup, b: PlannedGroup): number {
  const kafka = (g: PlannedGroup) => (g.members.some((r) => r.type === 'kafka') ? 0 : 1);
  return (
    kafka(a) - kafka(b) || b.members.length - a.members.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
  );
}
