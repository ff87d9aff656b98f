/** Human-readable summaries of a run, printed by `publish` (and `publish --dry-run`). */

import type { ApiStats } from '../confluent/stats.js';
import type { Inventory } from '../discovery/resource.js';
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
  for (const d of docs)
    lines.push(`  ${d.name}.json: ${d.groups} groups, ${Buffer.byteLength(d.body)} bytes`);
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
