/** `diff` as text for people: a headline, one summary line per document, then the details of each that differs. */
import type { SnapshotDiff } from './diff.js';
import { type DocumentResource, resourceDisplayName } from './document-resources.js';
import { formatRegrouping } from './regrouping.js';
import { formatValue, plural } from './text.js';

function resourceLine(mark: string, r: DocumentResource): string {
  const name = resourceDisplayName(r);
  return `  ${mark} ${r.type} ${r.id}${name === undefined ? '' : ` (${name})`}`;
}

/** Human text: a headline, a one-line summary per document, then the details of each document that differs. */
export function formatDiff(d: SnapshotDiff): string {
  const t = d.totals;
  const regrouped = d.documents.filter((doc) => doc.regrouped).length;
  const head = d.identical
    ? `${d.from.runId} → ${d.to.runId}: identical`
    : `${d.from.runId} → ${d.to.runId}: ${plural(t.documentsDiffering, 'document')} ${t.documentsDiffering === 1 ? 'differs' : 'differ'}${regrouped > 0 ? ` (${regrouped} regrouped)` : ''}; resources: ${t.resourcesAdded} added, ${t.resourcesRemoved} removed, ${t.resourcesChanged} changed`;
  const lines = [head, ...d.documents.map((doc) => `${doc.name}: ${doc.summary}`)];
  for (const doc of d.documents) {
    if (doc.status === 'unchanged') continue;
    lines.push('', doc.name);
    for (const s of doc.settings) lines.push(`  ! ${s.name}: ${formatValue(s.from)} → ${formatValue(s.to)}`);
    if (doc.regrouped) {
      lines.push(`  ! ${formatRegrouping(doc.regrouped)}`);
      if (doc.regrouped.to.reason) lines.push(`  ! degraded: ${doc.regrouped.to.reason}`);
    }
    for (const r of doc.added) lines.push(resourceLine('+', r));
    for (const r of doc.removed) lines.push(resourceLine('-', r));
    for (const c of doc.changed) {
      const labels = c.labels
        .map((l) => `${l.name}: ${formatValue(l.from)} → ${formatValue(l.to)}`)
        .join(', ');
      lines.push(`  ~ ${c.type} ${c.id} ${labels}`);
    }
  }
  return lines.join('\n');
}
