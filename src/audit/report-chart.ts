/**
 * The report's chart: resources over time per type, pure inline SVG (no script, no external font or style), one
 * line per type and one `<circle class="point">` per snapshot on it, each with a `<title>` (the tooltip without JS).
 * Points are evenly spaced by snapshot (a snapshot is written only on a change, so time would bunch them); the
 * axis names the first and last snapshot's time.
 */

import type { ReportSnapshot } from './report-data.js';
import { escapeHtml } from './report-escape.js';

const WIDTH = 860;
const HEIGHT = 320;
const MARGIN = { left: 56, right: 170, top: 16, bottom: 40 };
const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

/** A round upper bound for the y axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceCeiling(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].map((f) => f * power).find((v) => v >= max) ?? 10 * power) as number;
}

export function renderChart(snapshots: readonly ReportSnapshot[], types: readonly string[]): string {
  if (snapshots.length === 0) return '<p class="empty">No snapshot in this range.</p>';
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const top = niceCeiling(Math.max(...snapshots.flatMap((s) => types.map((t) => s.byType[t] ?? 0))));
  const x = (i: number) =>
    MARGIN.left + (snapshots.length === 1 ? plotW / 2 : (i * plotW) / (snapshots.length - 1));
  const y = (v: number) => MARGIN.top + plotH - (v / top) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}">`,
    '<title>Resources per type, one point per snapshot</title>',
    ...axes(top, y, plotW, snapshots),
  ];
  types.forEach((type, n) => {
    const colour = COLOURS[n % COLOURS.length];
    const t = escapeHtml(type);
    const points = snapshots.map((s, i) => `${x(i).toFixed(1)},${y(s.byType[type] ?? 0).toFixed(1)}`);
    parts.push(`<g class="series" data-type="${t}">`);
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${points.join(' ')}"/>`);
    snapshots.forEach((s, i) => {
      const v = s.byType[type] ?? 0;
      parts.push(
        `<circle class="point" data-type="${t}" data-run="${escapeHtml(s.runId)}" cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3.5" fill="${colour}"><title>${t} ${v} at ${escapeHtml(s.runId)}</title></circle>`,
      );
    });
    const ly = MARGIN.top + 14 + n * 18;
    parts.push(
      `<rect x="${WIDTH - MARGIN.right + 16}" y="${ly - 9}" width="10" height="10" fill="${colour}"/>`,
      `<text class="legend" x="${WIDTH - MARGIN.right + 32}" y="${ly}">${t}</text>`,
      '</g>',
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
  for (let k = 0; k <= 4; k++) {
    const v = (top * k) / 4;
    out.push(
      `<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>`,
      `<text class="tick" x="${MARGIN.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Number.isInteger(v) ? v : v.toFixed(1)}</text>`,
    );
  }
  const first = snapshots[0];
  const last = snapshots[snapshots.length - 1];
  const base = HEIGHT - MARGIN.bottom + 20;
  if (first)
    out.push(`<text class="tick" x="${MARGIN.left}" y="${base}">${escapeHtml(first.createdAt)}</text>`);
  if (last && last !== first)
    out.push(
      `<text class="tick" x="${MARGIN.left + plotW}" y="${base}" text-anchor="end">${escapeHtml(last.createdAt)}</text>`,
    );
  return out;
}
