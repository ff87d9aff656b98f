/**
 * What a run publishes, computed from the inventory before anything is written: the rendered documents (checked
 * against Prometheus's own rules), their manifest entries and the resource counts.
 */
import { sha256 } from '../bucket/canonical.js';
import type { DiscoveryReportEntry, DocumentEntry, ResourceCounts } from '../bucket/manifest.js';
import type { Inventory, InventorySizes } from '../discovery/resource.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RenderConfig } from '../render/config.js';
import { type RenderedDocument, renderAll } from '../render/render.js';
import { renderSelectedDocuments } from '../render/selected-documents.js';
import { checkSdDocument } from '../render/validate.js';

export function countResources(inventory: Inventory): ResourceCounts {
  const byType: Record<string, number> = {};
  const byEnvironment: Record<string, number> = {};
  const byOrganization: NonNullable<ResourceCounts['byOrganization']> = {};
  for (const r of inventory.resources) {
    byType[r.type] = (byType[r.type] ?? 0) + 1;
    byEnvironment[r.environmentId] = (byEnvironment[r.environmentId] ?? 0) + 1;
    if (r.organization === undefined) continue;
    const org = byOrganization[r.organization] ?? { total: 0, byType: {} };
    org.total += 1;
    org.byType[r.type] = (org.byType[r.type] ?? 0) + 1;
    byOrganization[r.organization] = org;
  }
  for (const e of inventory.environments)
    if (e.organization !== undefined) byOrganization[e.organization] ??= { total: 0, byType: {} };
  const orgs = Object.keys(byOrganization).length > 0 ? { byOrganization } : {};
  return { total: inventory.resources.length, byType, byEnvironment, ...orgs };
}

/** Records left out that the manifest names one by one; the rest are counted. */
export const MANIFEST_INVALID_LIMIT = 100;

/** The manifest's `discovery`: the inventory's report, records left out capped; absent without a report. */
export function discoveryEntry(inventory: Inventory): { discovery?: DiscoveryReportEntry } {
  const report = inventory.report;
  if (!report) return {};
  return {
    discovery: {
      ...report,
      invalid: report.invalid.slice(0, MANIFEST_INVALID_LIMIT),
      invalidTotal: report.invalid.length,
    },
  };
}

/** Renders every combination and applies Prometheus's own rules to each document before anything is written. */
export function renderDocuments(inventory: Inventory, render: RenderConfig): RenderedDocument[] {
  const docs = render.documents
    ? renderSelectedDocuments(inventory, render.documents, render)
    : renderAll(inventory, render.combinations, render);
  for (const doc of docs) {
    const problems = checkSdDocument(doc.body, { legacyLabelNames: render.paramStyle === 'underscore' });
    if (problems.length > 0) {
      throw new AppError(
        'RENDER_INVALID',
        `render ${doc.name}: Prometheus would reject it: ${problems.slice(0, 3).join('; ')}`,
      );
    }
  }
  return docs;
}

/** The manifest entry of every document, by name. */
export function documentEntries(
  docs: readonly RenderedDocument[],
  render: RenderConfig,
  sizes: InventorySizes | undefined,
): Record<string, DocumentEntry> {
  const entries: Record<string, DocumentEntry> = {};
  for (const d of docs) {
    entries[d.name] = {
      info: { sha256: sha256(d.info.body), bytes: Buffer.byteLength(d.info.body), series: d.info.series },
      ...(d.plan ? { plan: { ...d.plan, sizes: sizes?.source ?? 'none' } } : {}),
      targets: d.combination.targets,
      prefix: d.combination.prefix,
      paramStyle: render.paramStyle,
      groupBy: render.groupBy,
      sha256: sha256(d.body),
      bytes: Buffer.byteLength(d.body),
      groups: d.groups,
      ...(d.selection ? { selection: d.selection } : {}),
    };
  }
  return entries;
}

/** A selection that matches nothing (or an organisation or environment pattern that meets none): a warning each. */
export function warnAboutSelection(log: Logger, d: RenderedDocument): void {
  for (const problem of d.unmatched ?? [])
    log.warn({ document: d.name, selection: d.selection, problem }, 'document selection matches nothing');
}

/** A plan that gives way, or a resource the Metrics API will cut whatever the plan: one warning each, never silent. */
export function warnAboutPlan(log: Logger, d: RenderedDocument): void {
  const plan = d.plan;
  if (!plan) return;
  const figures = {
    document: d.name,
    groups: plan.groups,
    requestsPerMinute: plan.requestsPerMinute,
    budgetPerMinute: plan.budgetPerMinute,
  };
  if (plan.degraded !== 'none')
    log.warn({ ...figures, degraded: plan.degraded, reason: plan.reason }, 'scrape plan degraded');
  if (plan.overCap.length > 0)
    log.warn({ ...figures, resources: plan.overCap }, 'resources over the points cap even alone');
}
