/** Human-readable summaries of a run, printed by `publish` (and `publish --dry-run`). */

import type { ApiStats } from '../confluent/stats.js';
import type { DiscoveryReport, Inventory, ListingOutcome } from '../discovery/resource.js';
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
  if (counts.byOrganization) {
    const orgs = Object.entries(counts.byOrganization)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, o]) => `${name} ${o.total}`);
    lines.push(`organizations: ${orgs.join(', ')}`);
  }
  lines.push(`environments: ${inventory.environments.length}`);
  for (const env of inventory.environments) {
    lines.push(
      `  ${env.id} ${JSON.stringify(names.get(env.id) ?? '')}: ${counts.byEnvironment[env.id] ?? 0}`,
    );
  }
  if (inventory.report) lines.push(...formatDiscoveryReport(inventory.report));
  lines.push(`documents: ${docs.length}`);
  for (const d of docs) {
    lines.push(`  ${d.name}.json: ${d.groups} groups, ${Buffer.byteLength(d.body)} bytes`);
    if (d.plan) lines.push(...formatPlan(d.plan, inventory.sizes?.source ?? 'none').map((l) => `    ${l}`));
    for (const problem of d.unmatched ?? []) lines.push(`    WARNING selection: ${problem}`);
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

const SHOWN = 20;

/** What discovery did not publish, loudly: types skipped, listings refused or gone, records left out. */
export function formatDiscoveryReport(report: DiscoveryReport): string[] {
  const from =
    report.typesFrom === 'metrics-api' ? 'as the Metrics API exports them' : 'from SD_RESOURCE_TYPES';
  const lines = [`types: ${report.types.join(', ') || '(none)'} (${from})`];
  for (const s of report.skippedTypes) {
    if (s.reason === 'not-configured') lines.push(`  ${s.type}: not listed (SD_RESOURCE_TYPES)`);
    else
      lines.push(
        `  ${s.type}: NOT PUBLISHED, the Metrics API does not export it: ${s.resources} resources left out`,
      );
  }
  const where = (o: ListingOutcome) =>
    `${o.listing}${o.kafkaClusterId ? ` of ${o.kafkaClusterId}` : ''} in ${o.environmentId}: ${o.reason}`;
  if (report.refused.length > 0) {
    lines.push(`REFUSED listings (HTTP 403), their resources left out: ${report.refused.length}`);
    for (const o of report.refused.slice(0, SHOWN)) lines.push(`  ${where(o)}`);
  }
  if (report.gone.length > 0) {
    lines.push(`listings of something deleted meanwhile (HTTP 404), nothing there: ${report.gone.length}`);
    for (const o of report.gone.slice(0, SHOWN)) lines.push(`  ${where(o)}`);
  }
  if (report.invalid.length > 0) {
    lines.push(`LEFT OUT, cannot be scraped: ${report.invalid.length}`);
    for (const r of report.invalid.slice(0, SHOWN)) {
      const name = r.name === undefined ? '' : ` ${JSON.stringify(r.name)}`;
      const place = [r.kafkaClusterId, r.environmentId].filter((x) => x !== undefined).join(' in ');
      lines.push(`  ${r.type} ${r.id ?? '(no id)'}${name}${place ? ` (${place})` : ''}: ${r.problem}`);
    }
  }
  const more = Math.max(
    0,
    report.refused.length - SHOWN,
    report.gone.length - SHOWN,
    report.invalid.length - SHOWN,
  );
  if (more > 0) lines.push('  … and more: every one is a warning in the log');
  return lines;
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
