/** What changed about the resources of one document pair: added, removed, and labels changed (old → new). */
import {
  compareDocumentResources,
  type DocumentContent,
  type DocumentResource,
} from './document-resources.js';

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

export interface ResourceDiff {
  added: DocumentResource[];
  removed: DocumentResource[];
  changed: ResourceChange[];
}

export function diffLabels(a: Record<string, string>, b: Record<string, string>): LabelChange[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return names.filter((n) => a[n] !== b[n]).map((n) => ({ name: n, from: a[n] ?? null, to: b[n] ?? null }));
}

function isPacked(c: DocumentContent, key: string): boolean {
  return c.placement?.get(key)?.packed === true;
}

function withoutInstance(labels: Record<string, string>): Record<string, string> {
  const { instance: _, ...rest } = labels;
  return rest;
}

/**
 * A resource that sat in a packed plan group on either side is compared without `instance`: there it names the
 * group, not the resource, and the move shows as a regrouping instead.
 */
export function diffResources(a: DocumentContent, b: DocumentContent): ResourceDiff {
  const added: DocumentResource[] = [];
  const removed: DocumentResource[] = [];
  const changed: ResourceChange[] = [];
  for (const [key, r] of a.resources) {
    const other = b.resources.get(key);
    if (!other) {
      removed.push(r);
      continue;
    }
    const packed = isPacked(a, key) || isPacked(b, key);
    const labels = packed
      ? diffLabels(withoutInstance(r.labels), withoutInstance(other.labels))
      : diffLabels(r.labels, other.labels);
    if (labels.length > 0) changed.push({ type: r.type, id: r.id, labels });
  }
  for (const [key, r] of b.resources) if (!a.resources.has(key)) added.push(r);
  return {
    added: added.sort(compareDocumentResources),
    removed: removed.sort(compareDocumentResources),
    changed: changed.sort(compareDocumentResources),
  };
}
