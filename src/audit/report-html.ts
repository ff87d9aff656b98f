/**
 * The report as one self-contained HTML file: inline CSS, the inline SVG chart, no script, no external request
 * (a Content-Security-Policy of `default-src 'none'` says so to the browser too). Every text from the store goes
 * through escapeHtml: labels and names are untrusted input.
 */

import { renderChart } from './report-chart.js';
import {
  becameCurrent,
  organizationText,
  type ReportChange,
  type ReportData,
  type ReportResource,
} from './report-data.js';
import { escapeHtml as h } from './report-escape.js';
import { attemptsText, runOutcomeText } from './report-runs.js';
import { formatValue, plural } from './text.js';

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}h3{font-size:1em}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f4f4f4}code{font-family:ui-monospace,monospace;font-size:.95em}
.ok{color:#1a7f37;font-weight:600}.bad{color:#c62828;font-weight:600}.muted{color:#666}
.charts{display:flex;flex-wrap:wrap;gap:.5em 1.5em}.chart .grid{stroke:#e5e5e5}
.chart .tick{font:11px system-ui,sans-serif;fill:#555}.chart .panel-title{font:600 13px system-ui,sans-serif;fill:#222}
.added{color:#1a7f37}.removed{color:#c62828}.relabelled{color:#8a5a00}`;

export function renderHtml(d: ReportData): string {
  const range = `${d.from ?? 'the first snapshot'} to ${d.to}`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>confluent-sd report: ${h(d.store)}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>confluent-sd report</h1>`,
    `<p>Store <code>${h(d.store)}</code>, ${h(range)}. Generated ${h(d.generatedAt)}.</p>`,
    d.organization === null ? '' : `<p id="organization">${h(organizationText(d.organization))}</p>`,
    verifySection(d),
    '<h2 id="resources">Resources over time</h2>',
    renderChart(d.snapshots, d.types),
    snapshotTable(d),
    `<h2 id="changes">Changes (${d.changes.length})</h2>`,
    d.changes.length === 0
      ? '<p class="muted">No change in this range.</p>'
      : d.changes.map(changeHtml).join('\n'),
    runsSection(d),
    '</body></html>',
    '',
  ].join('\n');
}

function verifySection(d: ReportData): string {
  const v = d.verify;
  const ok = v.problems.length === 0;
  const chain = v.chain
    ? `${v.chain.runIds.length} snapshots from latest/ back${v.chain.pruned.length ? ` (${v.chain.pruned.length} pruned, recorded)` : ''}, ${v.chain.complete ? 'complete' : 'broken'}`
    : 'not walked (no readable latest/manifest.json)';
  const rows = v.problems.map(
    (p) => `<tr><td>${h(p.kind)}</td><td><code>${h(p.key)}</code></td><td>${h(p.message)}</td></tr>`,
  );
  return [
    '<h2 id="verify">Verify</h2>',
    `<p class="${ok ? 'ok' : 'bad'}" id="verify-result">${ok ? 'ok: every object matches its manifest' : plural(v.problems.length, 'problem')}</p>`,
    `<p>Checked ${v.checked.length} manifests; chain: ${h(chain)}; signatures: ${v.signatures === 'checked' ? 'checked against SD_VERIFY_KEY_FILE' : '<span class="bad">not checked</span> (SD_VERIFY_KEY_FILE not set)'}.</p>`,
    rows.length ? `<table><tr><th>kind</th><th>object</th><th>problem</th></tr>${rows.join('')}</table>` : '',
  ].join('\n');
}

function snapshotTable(d: ReportData): string {
  if (d.snapshots.length === 0) return '';
  const head = ['snapshot', 'became current', 'until', 'total', ...d.types]
    .map((c) => `<th>${h(c)}</th>`)
    .join('');
  const rows = d.snapshots.map(
    (s) =>
      `<tr><td><code>${h(s.runId)}</code></td><td>${h(becameCurrent(s))}</td><td>${h(s.currentUntil ?? 'now')}</td><td>${s.total}</td>${d.types.map((t) => `<td>${s.byType[t] ?? 0}</td>`).join('')}</tr>`,
  );
  return `<table class="snapshots"><tr>${head}</tr>${rows.join('')}</table>`;
}

function resourceCell(r: ReportResource): string {
  return `${h(r.type)} <code>${h(r.id)}</code>${r.name === null ? '' : ` (${h(r.name)})`}`;
}

function changeHtml(c: ReportChange): string {
  const rows: string[] = [];
  for (const r of c.added)
    rows.push(`<tr class="added"><td>added</td><td>${resourceCell(r)}</td><td></td></tr>`);
  for (const r of c.removed)
    rows.push(`<tr class="removed"><td>removed</td><td>${resourceCell(r)}</td><td></td></tr>`);
  for (const r of c.relabelled) {
    const labels = r.labels.map((l) => `${h(l.name)}: ${h(formatValue(l.from))} → ${h(formatValue(l.to))}`);
    rows.push(
      `<tr class="relabelled"><td>relabelled</td><td>${resourceCell(r)}</td><td>${labels.join('<br>')}</td></tr>`,
    );
  }
  const docs = c.documents.map((d) => `<li><code>${h(d.name)}</code>: ${h(d.summary)}</li>`).join('');
  return [
    `<h3 class="change"><code>${h(c.from)}</code> → <code>${h(c.to)}</code> <span class="muted">${h(c.at)}</span></h3>`,
    `<p>${c.added.length} added, ${c.removed.length} removed, ${c.relabelled.length} relabelled</p>`,
    rows.length
      ? `<table><tr><th>change</th><th>resource</th><th>labels</th></tr>${rows.join('')}</table>`
      : '',
    docs ? `<ul class="muted">${docs}</ul>` : '',
  ].join('\n');
}

function runsSection(d: ReportData): string {
  const rows = d.runs.map(
    (r) =>
      `<tr class="run ${h(r.outcome)}"><td>${h(r.startedAt)}</td><td>${h(runOutcomeText(r))}</td><td>${h(r.reason)}</td><td>${r.snapshot === null ? '' : `<code>${h(r.snapshot)}</code>`}</td></tr>`,
  );
  const problems = d.runLogProblems.map((p) => `<li><code>${h(p.key)}</code>: ${h(p.problem)}</li>`).join('');
  return [
    `<h2 id="runs">Failed, refused and forced runs (${d.runs.length})</h2>`,
    `<p id="attempts">${attemptsText(d.attempts)}</p>`,
    rows.length
      ? `<table><tr><th>started</th><th>outcome</th><th>reason</th><th>snapshot</th></tr>${rows.join('')}</table>`
      : '<p class="muted">None in this range (from the run log under runs/).</p>',
    problems ? `<p class="bad">Unreadable run-log objects:</p><ul>${problems}</ul>` : '',
  ].join('\n');
}
