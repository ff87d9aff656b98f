/** The plan's figures: what it costs against the budgets, its largest group, and what it had to give up. */

import type { PlannedGroup, PlannedResource } from './plan-group.js';
import { byMetricsPath, lowerBound, maxPointsPerType, metricsPathBytes, urlBytesOf } from './plan-group.js';
import type { PlanSettings } from './plan-settings.js';

export interface PlanFigures {
  groups: number;
  /** Requests one Prometheus (one shard) sends per minute with this plan. */
  requestsPerMinute: number;
  budgetPerMinute: number;
  /** Requests per hour each resource costs its API key (every scraper counted). */
  requestsPerResourceHour: number;
  budgetPerResourceHour: number;
  intervalSeconds: number;
  scrapers: number;
  pointsLimit: number;
  /** The fewest groups any plan could have: points per type over the cap, URL bytes over the URL length. */
  lowerBound: number;
  /** The group with the most points of one type per metric; `ids` are its first ten resources. */
  largestGroup: { key: string; resources: number; points: number; urlBytes: number; ids: string[] };
  degraded: 'none' | 'interval' | 'shard';
  shards: number;
  /** Resources whose largest metric alone passes the cap: the Metrics API cuts their series whatever the plan. */
  overCap: string[];
  /** Why the plan is degraded, for people; empty when it is not. */
  reason: string;
}

export function figuresOf(
  resources: readonly PlannedResource[],
  groups: readonly PlannedGroup[],
  settings: PlanSettings,
  interval: number,
  overflow: { degraded: PlanFigures['degraded']; shards: number },
): PlanFigures {
  const perShard = new Map<number, number>();
  for (const g of groups)
    perShard.set(g.shard ?? 0, (perShard.get(g.shard ?? 0) ?? 0) + 60 / (g.intervalSeconds ?? interval));
  const largest = [...groups].sort((a, b) => maxPointsPerType(b.members) - maxPointsPerType(a.members))[0];
  const degraded =
    overflow.degraded !== 'none'
      ? overflow.degraded
      : interval !== settings.intervalSeconds
        ? 'interval'
        : 'none';
  return {
    groups: groups.length,
    requestsPerMinute: round2(Math.max(0, ...perShard.values())),
    budgetPerMinute: settings.requestsPerMinute,
    requestsPerResourceHour: round2((settings.scrapers * 3600) / interval),
    budgetPerResourceHour: settings.requestsPerResourceHour,
    intervalSeconds: settings.intervalSeconds,
    scrapers: settings.scrapers,
    pointsLimit: settings.pointsPerMetric,
    lowerBound: lowerBoundPerPath(resources, settings),
    largestGroup: largest
      ? {
          key: largest.key,
          resources: largest.members.length,
          points: maxPointsPerType(largest.members),
          urlBytes: urlBytesOf(largest.members),
          ids: largest.members.slice(0, 10).map((m) => m.id),
        }
      : { key: '', resources: 0, points: 0, urlBytes: 0, ids: [] },
    degraded,
    shards: overflow.shards,
    overCap: resources.filter((r) => r.points > settings.pointsPerMetric).map((r) => r.id),
    reason: reasonOf(degraded, settings, interval, overflow.shards),
  };
}

/** Each metrics path needs groups of its own: the bound of the plan is the sum of each path's. */
function lowerBoundPerPath(resources: readonly PlannedResource[], settings: PlanSettings): number {
  let bound = 0;
  for (const members of byMetricsPath(resources)) {
    const usableUrl = Math.max(1, settings.maxUrlBytes - metricsPathBytes(members));
    bound += lowerBound(members, settings.pointsPerMetric, usableUrl);
  }
  return bound;
}

function reasonOf(
  degraded: PlanFigures['degraded'],
  settings: PlanSettings,
  interval: number,
  shards: number,
): string {
  if (degraded === 'none') return '';
  const parts: string[] = [];
  if (interval !== settings.intervalSeconds)
    parts.push(
      `${settings.scrapers} scrapers every ${settings.intervalSeconds}s would spend ${Math.round((settings.scrapers * 3600) / settings.intervalSeconds)} requests per resource per hour (budget ${settings.requestsPerResourceHour}): every group is scraped every ${interval}s`,
    );
  if (degraded === 'shard')
    parts.push(
      `the groups do not fit ${settings.requestsPerMinute} requests per minute: spread over ${shards} shards`,
    );
  else if (degraded === 'interval' && interval === settings.intervalSeconds)
    parts.push(
      `the groups do not fit ${settings.requestsPerMinute} requests per minute: the least important are scraped less often`,
    );
  return parts.join('; ');
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
