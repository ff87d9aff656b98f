/**
 * Several organisations' inventories as one (SD_CONFIG_FILE `organizations:`): every resource and environment
 * tagged with its organisation, resources in the one sort order, reports and sizes combined. Pure.
 */
import type { ApiStats } from '../confluent/stats.js';
import {
  compareResources,
  type DiscoveryReport,
  type Inventory,
  type InventorySizes,
  type SkippedType,
} from './resource.js';

export interface OrganizationInventory {
  organization: string;
  inventory: Inventory;
}

export function mergeInventories(parts: readonly OrganizationInventory[]): Inventory {
  const environments = parts.flatMap(({ organization, inventory }) =>
    inventory.environments.map((e) => ({ ...e, organization })),
  );
  const resources = parts
    .flatMap(({ organization, inventory }) => inventory.resources.map((r) => ({ ...r, organization })))
    .sort(compareResources);
  const exportedTypes = [...new Set(parts.flatMap((p) => p.inventory.exportedTypes))];
  const sizes = mergeSizes(parts);
  const reports = parts.flatMap((p) => (p.inventory.report ? [p.inventory.report] : []));
  return {
    environments,
    resources,
    exportedTypes,
    ...(sizes ? { sizes } : {}),
    ...(reports.length > 0 ? { report: mergeReports(reports) } : {}),
  };
}

/** `kind-estimate` when any organisation's partition query failed (its reason names the organisation). */
function mergeSizes(parts: readonly OrganizationInventory[]): InventorySizes | undefined {
  const estimated = parts.find((p) => p.inventory.sizes?.source === 'kind-estimate');
  const sizes = estimated?.inventory.sizes;
  if (estimated && sizes?.source === 'kind-estimate')
    return { source: 'kind-estimate', reason: `organization ${estimated.organization}: ${sizes.reason}` };
  return parts.some((p) => p.inventory.sizes) ? { source: 'metrics-api' } : undefined;
}

function mergeReports(reports: readonly DiscoveryReport[]): DiscoveryReport {
  const skipped = new Map<string, SkippedType>();
  for (const s of reports.flatMap((r) => r.skippedTypes)) {
    const key = `${s.type}\u0000${s.reason}`;
    const seen = skipped.get(key);
    const resources = seen
      ? seen.resources === null || s.resources === null
        ? null
        : seen.resources + s.resources
      : s.resources;
    skipped.set(key, { ...s, resources });
  }
  return {
    types: [...new Set(reports.flatMap((r) => r.types))],
    typesFrom: reports[0]!.typesFrom,
    skippedTypes: [...skipped.values()],
    refused: reports.flatMap((r) => r.refused),
    gone: reports.flatMap((r) => r.gone),
    invalid: reports.flatMap((r) => r.invalid),
  };
}

/** The requests of every organisation's client, summed; durationMs is the summed time of all attempts. */
export function sumApiStats(stats: readonly ApiStats[]): ApiStats {
  const sum = { requests: 0, retries: 0, throttled: 0, failures: 0, durationMs: 0 };
  for (const s of stats) {
    sum.requests += s.requests;
    sum.retries += s.retries;
    sum.throttled += s.throttled;
    sum.failures += s.failures;
    sum.durationMs += s.durationMs;
  }
  return sum;
}
