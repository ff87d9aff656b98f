/**
 * CSV for spreadsheets (RFC 4180: CRLF, quotes doubled). A cell from the store that a spreadsheet would run as a
 * formula (`=`, `+`, `-`, `@`, tab, CR at its start) is prefixed with `'`: labels are untrusted input (OWASP "CSV
 * injection"). Run ids, times and counts never start so.
 */
import type { SnapshotDiff } from './diff.js';
import { resourceDisplayName } from './document-resources.js';
import type { History } from './history.js';

function cell(value: string | number | boolean | null): string {
  let text = value === null ? '' : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: readonly (readonly (string | number | boolean | null)[])[]): string {
  return rows
    .map((r) => r.map(cell).join(','))
    .join('\r\n')
    .concat('\r\n');
}

/** `history --format csv`: one row per snapshot, a column per resource type. */
export function historyToCsv(h: History): string {
  const types = [...new Set(h.snapshots.flatMap((s) => Object.keys(s.resources?.byType ?? {})))].sort();
  const head = ['runId', 'createdAt', 'previousRunId', 'latest', 'orphan', 'checkedAt', 'total', ...types];
  const rows = h.snapshots.map((s) => [
    s.runId,
    s.createdAt,
    s.previousRunId,
    s.latest,
    s.orphan,
    s.checkedAt,
    s.resources?.total ?? null,
    ...types.map((t) => s.resources?.byType[t] ?? 0),
  ]);
  return toCsv([
    [...head, 'documents', 'error'],
    ...rows.map((r, i) => [...r, h.snapshots[i]!.documents.join(' '), h.snapshots[i]!.error]),
  ]);
}

/** `diff --format csv`: one row per resource added or removed, one per label changed, by document. */
export function diffToCsv(d: SnapshotDiff): string {
  const rows: (string | null)[][] = [
    ['from', 'to', 'document', 'change', 'type', 'id', 'name', 'label', 'old', 'new'],
  ];
  for (const doc of d.documents) {
    const base = [d.from.runId, d.to.runId, doc.name];
    for (const r of doc.added)
      rows.push([...base, 'added', r.type, r.id, resourceDisplayName(r) ?? null, null, null, null]);
    for (const r of doc.removed)
      rows.push([...base, 'removed', r.type, r.id, resourceDisplayName(r) ?? null, null, null, null]);
    for (const c of doc.changed)
      for (const l of c.labels) rows.push([...base, 'relabelled', c.type, c.id, null, l.name, l.from, l.to]);
    for (const s of doc.settings)
      rows.push([...base, 'setting', null, null, null, s.name, String(s.from), String(s.to)]);
  }
  return toCsv(rows);
}
