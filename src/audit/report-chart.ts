/**
 * The report's chart: resources over time per type, pure inline SVG (no script, no external font or style). One
 * small panel per type with its own scale (a line per type on one scale hides the small ones under each other),
 * one `<circle class="point">` per snapshot, each with a `<title>` (the tooltip without JS). Points are evenly
 * spaced by snapshot (a snapshot is written only on a change, so a time axis would bunch them); each point stands
 * at the time its snapshot became current (its switch of `latest/`), and the axis names the first and the last.
 */
import type { ReportSnapshot } from './report-data.js';
import { escapeHtml } from './report-escape.js';

const WIDTH = 420;
const HEIGHT = 170;
const MARGIN = { left: 48, right: 16, top: 26, bottom: 30 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

/** A round upper bound for the y axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceCeiling(max: number): number {
  if (max <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((f) => f * power).find((v) => v >= max) ?? 10 * power;
}

export function renderChart(snapshots: readonly ReportSnapshot[], types: readonly string[]): string {
  if (snapshots.length === 0) return '<p class="muted">No snapshot in this range.</p>';
  const panels = types.map((type, n) => renderPanel(snapshots, type, COLOURS[n % COLOURS.length] ?? '#333'));
  return `<div class="charts">\n${panels.join('\n')}\n</div>`;
}

function renderPanel(snapshots: readonly ReportSnapshot[], type: string, colour: string): string {
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const values = snapshots.map((s) => s.byType[type] ?? 0);
  const top = niceCeiling(Math.max(...values));
  const x = (i: number) =>
    MARGIN.left + (snapshots.length === 1 ? plotW / 2 : (i * plotW) / (snapshots.length - 1));
  const y = (v: number) => MARGIN.top + plotH - (v / top) * plotH;
  const t = escapeHtml(type);
  const last = values[values.length - 1] ?? 0;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-type="${t}" role="img" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}">`,
    `<title>${t}: resources per snapshot</title>`,
    `<text class="panel-title" x="${MARGIN.left}" y="16">${t} (${last} now)</text>`,
    ...axes(top, y, plotW, snapshots),
    `<polyline fill="none" stroke="${colour}" stroke-width="2" points="${values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`,
  ];
  snapshots.forEach((s, i) => {
    const v = values[i] ?? 0;
    parts.push(
      `<circle class="point" data-type="${t}" data-run="${escapeHtml(s.runId)}" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3.5" fill="${colour}"><title>${t} ${v} at ${escapeHtml(s.runId)} (current from ${escapeHtml(s.currentFrom)})</title></circle>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}

function axes(
  top: number,
  y: (v: number) => number,
  plotW: number,
  snapshots: readonly ReportSnapshot[],
): string[] {
  const out: string[] = [];
  for (const v of [0, top / 2, top]) {
    out.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>`,
      `<text class="tick" x="${MARGIN.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Number.isInteger(v) ? v : v.toFixed(1)}</text>`,
    );
  }
  const first = snapshots[0];
  const last = snapshots[snapshots.length - 1];
  const base = HEIGHT - 8;
  if (first)
    out.push(
      `<text class="tick" x="${MARGIN.left}" y="${base}">${escapeHtml(first.currentFrom.slice(0, 16))}</text>`,
    );
  if (last && last !== first)
    out.push(
      `<text class="tick" x="${MARGIN.left + plotW}" y="${base}" text-anchor="end">${escapeHtml(last.currentFrom.slice(0, 16))}</text>`,
    );
  return out;
}
