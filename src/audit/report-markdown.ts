/** The report as Markdown, for tickets: the same sections as the HTML one, a table instead of the chart. */
import { becameCurrent, organizationText, type ReportData, type ReportResource } from './report-data.js';
import { escapeMarkdown as m } from './report-escape.js';
import { attemptsText, runOutcomeText } from './report-runs.js';
import { formatValue, plural } from './text.js';

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(head: readonly string[], rows: readonly string[][]): string[] {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)];
}

function resource(r: ReportResource): string {
  return `${m(r.type)} ${m(r.id)}${r.name === null ? '' : ` (${m(r.name)})`}`;
}

export function renderMarkdown(d: ReportData): string {
  const v = d.verify;
  const out = [
    '# confluent-sd report',
    '',
    `Store ${m(d.store)}, ${m(d.from ?? 'the first snapshot')} to ${m(d.to)}. Generated ${m(d.generatedAt)}.`,
    '',
    ...(d.organization === null ? [] : [m(organizationText(d.organization)), '']),
    '## Verify',
    '',
    `${v.problems.length === 0 ? '**ok**: every object matches its manifest' : `**${plural(v.problems.length, 'problem')}**`}; chain: ${v.chain ? `${v.chain.runIds.length} snapshots, ${v.chain.complete ? 'complete' : 'broken'}` : 'not walked'}; signatures: ${v.signatures}.`,
    '',
    ...(v.problems.length
      ? [
          ...table(
            ['kind', 'object', 'problem'],
            v.problems.map((p) => [p.kind, m(p.key), m(p.message)]),
          ),
          '',
        ]
      : []),
    '## Resources over time',
    '',
    ...(d.snapshots.length === 0
      ? ['No snapshot in this range.']
      : table(
          ['snapshot', 'became current', 'until', 'total', ...d.types.map(m)],
          d.snapshots.map((s) => [
            s.runId,
            m(becameCurrent(s)),
            m(s.currentUntil ?? 'now'),
            String(s.total),
            ...d.types.map((t) => String(s.byType[t] ?? 0)),
          ]),
        )),
    '',
    `## Changes (${d.changes.length})`,
    '',
  ];
  out.push(...changesMarkdown(d), ...runsMarkdown(d));
  return `${out.join('\n')}\n`;
}

function changesMarkdown(d: ReportData): string[] {
  const out: string[] = [];
  for (const c of d.changes) {
    out.push(`### ${c.from} → ${c.to} (${m(c.at)})`, '');
    out.push(`${c.added.length} added, ${c.removed.length} removed, ${c.relabelled.length} relabelled`, '');
    const rows = [
      ...c.added.map((r) => ['added', resource(r), '']),
      ...c.removed.map((r) => ['removed', resource(r), '']),
      ...c.relabelled.map((r) => [
        'relabelled',
        resource(r),
        r.labels.map((l) => m(`${l.name}: ${formatValue(l.from)} → ${formatValue(l.to)}`)).join('; '),
      ]),
    ];
    if (rows.length) out.push(...table(['change', 'resource', 'labels'], rows), '');
  }
  return out;
}

function runsMarkdown(d: ReportData): string[] {
  const out: string[] = [];
  out.push(`## Failed, refused and forced runs (${d.runs.length})`, '', attemptsText(d.attempts), '');
  if (d.runs.length === 0) out.push('None of them failed, was refused or forced.');
  else
    out.push(
      ...table(
        ['started', 'outcome', 'reason', 'snapshot'],
        d.runs.map((r) => [m(r.startedAt), runOutcomeText(r), m(r.reason), r.snapshot ?? '']),
      ),
    );
  for (const p of d.runLogProblems) out.push('', `Unreadable run-log object ${m(p.key)}: ${m(p.problem)}`);
  return out;
}
