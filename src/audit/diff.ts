/**
 * What changed between two snapshots, per document, by resource (not by bytes). Documents are paired as in
 * match-documents.ts; per pair: the document's settings, a regrouping (where a plan takes part), and the resources
 * added, removed and relabelled.
 */

import type { DocumentEntry, Manifest } from '../bucket/manifest.js';
import { type DocumentContent, type DocumentResource, resourceKey } from './document-resources.js';
import { matchDocuments, type Side } from './match-documents.js';
import { formatRegrouping, type Regrouping, regroupingOf } from './regrouping.js';
import { diffResources, type ResourceChange } from './resource-diff.js';
import { formatValue, plural } from './text.js';

export { matchDocuments } from './match-documents.js';
export type { Grouping, Regrouping } from './regrouping.js';
export { diffLabels, diffResources, type LabelChange, type ResourceChange } from './resource-diff.js';

/** One side of a diff: the manifest and each document read back as resources. */
export interface SnapshotContent {
  manifest: Manifest;
  documents: Map<string, DocumentContent>;
}

export interface DocumentInfo {
  name: string;
  targets: string[];
  prefix: string;
  paramStyle: DocumentEntry['paramStyle'];
  groupBy: DocumentEntry['groupBy'];
  metricsPath: string;
  resources: number;
}

export type SettingName = 'targets' | 'prefix' | 'paramStyle' | 'groupBy' | 'metricsPath';

export interface SettingChange {
  name: SettingName;
  from: string | string[];
  to: string | string[];
}

export interface DocumentDiff {
  name: string;
  /** `regrouped`: only the grouping changed (see `regrouped`), every resource and label is the same. */
  status: 'added' | 'removed' | 'changed' | 'regrouped' | 'unchanged';
  from: DocumentInfo | null;
  to: DocumentInfo | null;
  settings: SettingChange[];
  /** Present only when the pair was regrouped (a plan on either side); then `groupBy` is here, not in `settings`. */
  regrouped?: Regrouping;
  added: DocumentResource[];
  removed: DocumentResource[];
  changed: ResourceChange[];
  summary: string;
}

export interface SnapshotDiff {
  from: { runId: string; createdAt: string };
  to: { runId: string; createdAt: string };
  identical: boolean;
  /** Distinct resources (type + id) across all documents. */
  totals: {
    resourcesAdded: number;
    resourcesRemoved: number;
    resourcesChanged: number;
    documentsDiffering: number;
  };
  documents: DocumentDiff[];
}

function sidesOf(s: SnapshotContent): Side[] {
  return Object.entries(s.manifest.documents)
    .map(([name, entry]) => ({
      name,
      entry,
      content: s.documents.get(name) ?? { resources: new Map(), metricsPath: '' },
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function infoOf(s: Side): DocumentInfo {
  return {
    name: s.name,
    targets: [...s.entry.targets],
    prefix: s.entry.prefix,
    paramStyle: s.entry.paramStyle,
    groupBy: s.entry.groupBy,
    metricsPath: s.content.metricsPath,
    resources: s.content.resources.size,
  };
}

function settingChanges(a: DocumentInfo, b: DocumentInfo): SettingChange[] {
  const out: SettingChange[] = [];
  if (JSON.stringify(a.targets) !== JSON.stringify(b.targets))
    out.push({ name: 'targets', from: a.targets, to: b.targets });
  for (const name of ['prefix', 'paramStyle', 'groupBy', 'metricsPath'] as const) {
    if (a[name] !== b[name]) out.push({ name, from: a[name], to: b[name] });
  }
  return out;
}

function summaryOf(d: Omit<DocumentDiff, 'summary'>): string {
  if (d.status === 'added')
    return `added: targets ${formatValue(d.to?.targets ?? [])}, prefix ${formatValue(d.to?.prefix ?? '')}, ${plural(d.added.length, 'resource')}`;
  if (d.status === 'removed') return `removed: ${plural(d.removed.length, 'resource')}`;
  if (d.status === 'unchanged') return `unchanged (${plural(d.to?.resources ?? 0, 'resource')})`;
  if (d.status === 'regrouped' && d.regrouped) return formatRegrouping(d.regrouped);
  const parts = d.settings.map((s) => `${s.name} ${formatValue(s.from)} → ${formatValue(s.to)}`);
  if (d.regrouped) parts.push(formatRegrouping(d.regrouped));
  parts.push(`${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed`);
  if (d.from && d.to && d.from.name !== d.to.name) parts.unshift(`was ${d.from.name}`);
  return parts.join(', ');
}

function finish(d: Omit<DocumentDiff, 'summary'>): DocumentDiff {
  return { ...d, summary: summaryOf(d) };
}

/** A document found on one side only: every resource of it was added or removed. */
function oneSided(side: Side, status: 'added' | 'removed'): DocumentDiff {
  const resources = [...side.content.resources.values()];
  return finish({
    name: side.name,
    status,
    from: status === 'removed' ? infoOf(side) : null,
    to: status === 'added' ? infoOf(side) : null,
    settings: [],
    added: status === 'added' ? resources : [],
    removed: status === 'removed' ? resources : [],
    changed: [],
  });
}

function diffPair(x: Side, y: Side): DocumentDiff {
  const from = infoOf(x);
  const to = infoOf(y);
  const regrouped = regroupingOf(x, y);
  // a regrouping carries the grouping change itself
  const settings = settingChanges(from, to).filter((s) => !(regrouped && s.name === 'groupBy'));
  const res = diffResources(x.content, y.content);
  const same =
    settings.length === 0 &&
    from.name === to.name &&
    res.added.length + res.removed.length + res.changed.length === 0;
  const status = same ? (regrouped ? 'regrouped' : 'unchanged') : 'changed';
  return finish({ name: y.name, status, from, to, settings, ...(regrouped ? { regrouped } : {}), ...res });
}

export function diffSnapshots(a: SnapshotContent, b: SnapshotContent): SnapshotDiff {
  const { pairs, removed, added } = matchDocuments(sidesOf(a), sidesOf(b));
  const docs: DocumentDiff[] = pairs.map(([x, y]) => diffPair(x, y));
  for (const x of removed) docs.push(oneSided(x, 'removed'));
  for (const y of added) docs.push(oneSided(y, 'added'));
  docs.sort((p, q) => (p.name < q.name ? -1 : p.name > q.name ? 1 : p.status < q.status ? -1 : 1));
  const distinct = (pick: (d: DocumentDiff) => { type: string; id: string }[]) =>
    new Set(docs.flatMap((d) => pick(d).map((r) => resourceKey(r.type, r.id)))).size;
  const differing = docs.filter((d) => d.status !== 'unchanged').length;
  return {
    from: { runId: a.manifest.runId, createdAt: a.manifest.createdAt },
    to: { runId: b.manifest.runId, createdAt: b.manifest.createdAt },
    identical: differing === 0,
    totals: {
      resourcesAdded: distinct((d) => d.added),
      resourcesRemoved: distinct((d) => d.removed),
      resourcesChanged: distinct((d) => d.changed),
      documentsDiffering: differing,
    },
    documents: docs,
  };
}
