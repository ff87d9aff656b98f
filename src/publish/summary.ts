/** Human-readable summaries of a run, printed by `publish` (and `publish --dry-run`). */

import type { ApiStats } from '../confluent/stats.js';
import type { Inventory } from '../discovery/resource.js';
import type { PlanFigures } from '../render/plan.js';
import type { RenderedDocument } from '../render/render.js';
import { countResources } from './documents.js';

export function formatInventorySummary(
  inventory: Inventory,
  docs: RenderedDocument[],
  api: ApiStats,
): string {
  const counts = countResources(inventory);
  const names = new Map(inventory.environments.map((e) => [e.id, e.name]));
  const lines: string[] = [];
  const byType = Object.entries(counts.byType)
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
  lines.push(`resources: ${counts.total}${byType ? ` (${byType})` : ''}`);
  lines.push(`environments: ${inventory.environments.length}`);
  for (const env of inventory.environments) {
    lines.push(
      `  ${env.id} ${JSON.stringify(names.get(env.id) ?? '')}: ${counts.byEnvironment[env.id] ?? 0}`,
    );
  }
  lines.push(`documents: ${docs.length}`);
  for (const d of docs) {
    lines.push(`  ${d.name}.json: ${d.groups} groups, ${Buffer.byteLength(d.body)} bytes`);
    if (d.plan) lines.push(...formatPlan(d.plan, inventory.sizes?.source ?? 'none').map((l) => `    ${l}`));
  }
  const warnings = docs.flatMap((d) => d.warnings);
  const unique = new Map(warnings.map((w) => [w.resourceId, w]));
  lines.push(`warnings: ${unique.size}`);
  for (const w of [...unique.values()].slice(0, 20))
    lines.push(`  ${w.type} ${w.resourceId}: missing ${w.missing.join(', ')}`);
  if (unique.size > 20) lines.push(`  … and ${unique.size - 20} more`);
  lines.push(
    `api: ${api.requests} requests, ${api.retries} retries, ${api.throttled} throttled, ${api.failures} failed`,
  );
  return lines.join('\n');
}

/** The scrape plan of one document for people: what it costs against the budgets and what it gave up. */
export function formatPlan(plan: PlanFigures, sizes: string): string[] {
  const g = plan.largestGroup;
  const ids = g.ids.join(',') + (g.resources > g.ids.length ? ',…' : '');
  const lines = [
    `plan: ${plan.groups} groups (lower bound ${plan.lowerBound}), ${plan.requestsPerMinute} requests/min per Prometheus (budget ${plan.budgetPerMinute}), ${plan.requestsPerResourceHour} requests/h per resource for ${plan.scrapers} scrapers (budget ${plan.budgetPerResourceHour}), sizes: ${sizes}`,
    `largest group: ${g.key} (${g.resources} resources, ${g.points} points per metric of ${plan.pointsLimit}, ${g.urlBytes} URL bytes): ${ids}`,
  ];
  if (plan.degraded !== 'none') lines.push(`DEGRADED (${plan.degraded}): ${plan.reason}`);
  if (plan.overCap.length > 0)
    lines.push(`OVER THE POINTS CAP even alone (series will be cut): ${plan.overCap.join(', ')}`);
  return lines;
}
