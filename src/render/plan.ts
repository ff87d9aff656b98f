/**
 * The scrape plan (SD_GROUP_BY=plan): packs resources into target groups so that the requests one Prometheus sends
 * per minute stay within the Metrics API's budget and no response can pass the points cap. Pure and deterministic.
 *
 * - Everything fits one group per resource: that is the plan (the document of `SD_GROUP_BY=resource`).
 * - Otherwise a resource too big to share (over half the cap) keeps a group of its own, and the others go to K
 *   buckets by a hash of their id; K comes from a fixed ladder above the lower bound, so a new resource moves only
 *   its own bucket. A bucket over the cap (per type) or the URL length is split in id order, and only it moves.
 *   Each metrics path (dataset) is packed on its own: one scrape URL has one path.
 * - When even that is over budget, the overflow setting lengthens the interval of the least important groups or
 *   spreads the groups over shards.
 */

import { figuresOf, type PlanFigures } from './plan-figures.js';
import type { PlannedGroup, PlannedResource } from './plan-group.js';
import { byMetricsPath, lowerBound, maxPointsPerType, metricsPathBytes, urlBytesOf } from './plan-group.js';
import { overflowGroups } from './plan-overflow.js';
import type { PlanSettings } from './plan-settings.js';

export type { PlanFigures } from './plan-figures.js';
export type { PlannedGroup, PlannedResource } from './plan-group.js';
export { maxPointsPerType } from './plan-group.js';

export interface Plan {
  groups: PlannedGroup[];
  figures: PlanFigures;
}

export function planGroups(resources: readonly PlannedResource[], settings: PlanSettings): Plan {
  const interval = baseInterval(settings);
  const capacity = Math.floor((settings.requestsPerMinute * interval) / 60);
  const fitsAlone = resources.every((r) => r.points <= settings.pointsPerMetric);
  const packed =
    resources.length <= capacity && fitsAlone ? resources.map(single) : packPerPath(resources, settings);
  const overflow = overflowGroups(packed, capacity, interval, settings.overflow);
  const groups = overflow.groups.map((g) =>
    interval !== settings.intervalSeconds && g.intervalSeconds === undefined
      ? { ...g, intervalSeconds: interval }
      : g,
  );
  return { groups, figures: figuresOf(resources, groups, settings, interval, overflow) };
}

/** The interval every resource can afford: each scraper costs each resource one request per interval. */
function baseInterval(settings: PlanSettings): number {
  const perHour = (settings.scrapers * 3600) / settings.intervalSeconds;
  if (perHour <= settings.requestsPerResourceHour) return settings.intervalSeconds;
  const minutes = Math.ceil((settings.scrapers * 60) / settings.requestsPerResourceHour);
  return Math.max(settings.intervalSeconds, minutes * 60);
}

function single(r: PlannedResource): PlannedGroup {
  return { key: r.id, members: [r] };
}

/** Bucket counts from a geometric ladder (ratio 1.1), so the bucket count changes rarely as an organisation grows. */
export function ladderAbove(n: number): number {
  let k = 1;
  while (k < n) k = Math.max(k + 1, Math.ceil(k * 1.1));
  return k;
}

/** Resources of each metrics path packed apart: a group is one URL, so it has one path. */
function packPerPath(resources: readonly PlannedResource[], settings: PlanSettings): PlannedGroup[] {
  const groups = byMetricsPath(resources).flatMap((members) => packResources(members, settings));
  return groups.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * `plan-` and, for another dataset than `cloud`, the dataset (`plan-cloud-custom-3`): keys stay unique across
 * paths, and sort after the `cloud` groups (`plan-<digit>`), so a document's first group keeps the `cloud` path.
 */
function keyPrefixOf(r: PlannedResource | undefined): string {
  const org = r?.organization === undefined ? '' : `${r.organization}-`;
  return r?.dataset === undefined || r.dataset === 'cloud' ? `plan-${org}` : `plan-${org}${r.dataset}-`;
}

function packResources(resources: readonly PlannedResource[], settings: PlanSettings): PlannedGroup[] {
  const pathBytes = metricsPathBytes(resources);
  const prefix = keyPrefixOf(resources[0]);
  const cap = settings.pointsPerMetric;
  const alone = resources.filter((r) => r.points > cap);
  const shared = resources.filter((r) => r.points <= cap);
  const big = shared.filter((r) => r.points > cap / 2);
  const usableUrl = Math.max(1, settings.maxUrlBytes - pathBytes);
  // 10 % headroom for the unevenness of hashing, so few buckets need splitting; never two big ones in a bucket
  const count = ladderAbove(Math.max(big.length, Math.ceil(lowerBound(shared, cap, usableUrl) * 1.1)));
  const buckets = assignBuckets(shared, big, count);
  const groups = alone.map(single);
  buckets.forEach((members, bucket) => {
    if (members.length === 0) return;
    const parts = splitBucket(members, cap, settings.maxUrlBytes);
    parts.forEach((part, i) => {
      const key = parts.length === 1 ? `${bucket}` : `${bucket}-${i + 1}`;
      groups.push({ key: prefix + key, members: part });
    });
  });
  return groups;
}

/** Each resource to the bucket its id hashes to; a big one probes on to a bucket with no other big one. */
function assignBuckets(
  resources: readonly PlannedResource[],
  big: readonly PlannedResource[],
  count: number,
): PlannedResource[][] {
  const buckets: PlannedResource[][] = Array.from({ length: count }, () => []);
  const bigIds = new Set(big.map((r) => r.id));
  const taken = new Set<number>();
  for (const r of [...big].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    let b = bucketOf(r, count);
    while (taken.has(b)) b = (b + 1) % count;
    taken.add(b);
    buckets[b]?.push(r);
  }
  for (const r of resources) if (!bigIds.has(r.id)) buckets[bucketOf(r, count)]?.push(r);
  return buckets;
}

/** FNV-1a of the id: stable across runs, machines and versions. */
function bucketOf(r: PlannedResource, buckets: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < r.id.length; i++) {
    h ^= r.id.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % buckets;
}

/** Splits a bucket in (type, id) order into parts under the cap for every type and under the URL length. */
function splitBucket(members: PlannedResource[], cap: number, maxUrlBytes: number): PlannedResource[][] {
  const sorted = [...members].sort((a, b) => a.order - b.order);
  const parts: PlannedResource[][] = [];
  let current: PlannedResource[] = [];
  for (const r of sorted) {
    const next = [...current, r];
    if (current.length > 0 && (pointsOverCap(next, cap) || urlBytesOf(next) > maxUrlBytes)) {
      parts.push(current);
      current = [r];
    } else current = next;
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

function pointsOverCap(members: readonly PlannedResource[], cap: number): boolean {
  return maxPointsPerType(members) > cap;
}
