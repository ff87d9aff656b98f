/**
 * What changed between two snapshots, per document, by resource (not by bytes). Documents are matched by their
 * combination (targets + prefix) first, then by name, then by targets alone or prefix alone, so a snapshot
 * rendered with another prefix, param style or target list still lines up with the one before it.
 */

import type { DocumentEntry, Manifest } from '../bucket/manifest.js';
import {
  compareDocumentResources,
  type DocumentContent,
  type DocumentResource,
  resourceKey,
} from './document-resources.js';
import { formatValue, plural } from './text.js';

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

export interface LabelChange {
  name: string;
  /** null: the label was absent. */
  from: string | null;
  to: string | null;
}

export interface ResourceChange {
  type: string;
  id: string;
  labels: LabelChange[];
}

export interface DocumentDiff {
  name: string;
  status: 'added' | 'removed' | 'changed' | 'unchanged';
  from: DocumentInfo | null;
  to: DocumentInfo | null;
  settings: SettingChange[];
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

type Side = { name: string; entry: DocumentEntry; content: DocumentContent };

function sidesOf(s: SnapshotContent): Side[] {
  return Object.entries(s.manifest.documents)
    .map(([name, entry]) => ({
      name,
      entry,
      content: s.documents.get(name) ?? { resources: new Map(), metricsPath: '' },
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// keys tried in order, most specific first; each pass pairs only documents still unpaired
const MATCH_KEYS: ((s: Side) => string)[] = [
  (s) => `${JSON.stringify(s.entry.targets)}|${s.entry.prefix}`,
  (s) => s.name,
  (s) => `${JSON.stringify([...s.entry.targets].sort())}|${s.entry.prefix}`,
  (s) => JSON.stringify(s.entry.targets),
  (s) => s.entry.prefix,
];

function resourceDistance(a: Side, b: Side): number {
  const d = diffResources(a.content, b.content);
  return d.added.length + d.removed.length + d.changed.length;
}

/**
 * Pairs documents across two snapshots. When a key is shared by several documents (one combination's prefix
 * changed while another with the same targets stayed), each is paired with the candidate whose resources differ
 * least, ties by name; what is left over was added or removed.
 */
export function matchDocuments(
  from: Side[],
  to: Side[],
): { pairs: [Side, Side][]; removed: Side[]; added: Side[] } {
  const left = new Set(from);
  const right = new Set(to);
  const pairs: [Side, Side][] = [];
  for (const keyOf of MATCH_KEYS) {
    const candidates = new Map<string, Side[]>();
    for (const s of right) candidates.set(keyOf(s), [...(candidates.get(keyOf(s)) ?? []), s]);
    for (const l of [...left]) {
      const options = (candidates.get(keyOf(l)) ?? []).filter((r) => right.has(r));
      if (options.length === 0) continue;
      let best = options[0]!;
      let bestDistance = options.length === 1 ? 0 : resourceDistance(l, best);
      for (const r of options.slice(1)) {
        const distance = resourceDistance(l, r);
        if (distance < bestDistance) [best, bestDistance] = [r, distance];
      }
      pairs.push([l, best]);
      left.delete(l);
      right.delete(best);
    }
  }
  return { pairs, removed: [...left], added: [...right] };
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

export function diffLabels(a: Record<string, string>, b: Record<string, string>): LabelChange[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return names.filter((n) => a[n] !== b[n]).map((n) => ({ name: n, from: a[n] ?? null, to: b[n] ?? null }));
}

export function diffResources(
  a: DocumentContent,
  b: DocumentContent,
): Pick<DocumentDiff, 'added' | 'removed' | 'changed'> {
  const added: DocumentResource[] = [];
  const removed: DocumentResource[] = [];
  const changed: ResourceChange[] = [];
  for (const [key, r] of a.resources) {
    const other = b.resources.get(key);
    if (!other) removed.push(r);
    else {
      const labels = diffLabels(r.labels, other.labels);
      if (labels.length > 0) changed.push({ type: r.type, id: r.id, labels });
    }
  }
  for (const [key, r] of b.resources) if (!a.resources.has(key)) added.push(r);
  return {
    added: added.sort(compareDocumentResources),
    removed: removed.sort(compareDocumentResources),
    changed: changed.sort(compareDocumentResources),
  };
}

function summaryOf(d: Omit<DocumentDiff, 'summary'>): string {
  if (d.status === 'added')
    return `added: targets ${formatValue(d.to?.targets ?? [])}, prefix ${formatValue(d.to?.prefix ?? '')}, ${plural(d.added.length, 'resource')}`;
  if (d.status === 'removed') return `removed: ${plural(d.removed.length, 'resource')}`;
  if (d.status === 'unchanged') return `unchanged (${plural(d.to?.resources ?? 0, 'resource')})`;
  const parts = d.settings.map((s) => `${s.name} ${formatValue(s.from)} → ${formatValue(s.to)}`);
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

export function diffSnapshots(a: SnapshotContent, b: SnapshotContent): SnapshotDiff {
  const { pairs, removed, added } = matchDocuments(sidesOf(a), sidesOf(b));
  const docs: DocumentDiff[] = [];
  for (const [x, y] of pairs) {
    const from = infoOf(x);
    const to = infoOf(y);
    const settings = settingChanges(from, to);
    const res = diffResources(x.content, y.content);
    const same =
      settings.length === 0 &&
      from.name === to.name &&
      res.added.length + res.removed.length + res.changed.length === 0;
    docs.push(finish({ name: y.name, status: same ? 'unchanged' : 'changed', from, to, settings, ...res }));
  }
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
