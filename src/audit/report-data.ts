/**
 * What `report` shows, read from the store alone: the snapshots that were current in the range (resources per
 * type), every change between them by resource (diff.ts), the failed, refused, aborted and forced runs of the run
 * log with their reasons, and the result of `verify` over the whole store. Renderers (report-html.ts,
 * report-markdown.ts) take this plain value; everything in it that came from the store is untrusted text.
 */
import type { KeyObject } from 'node:crypto';
import type { Manifest } from '../bucket/manifest.js';
import { type RunLogEntry, type RunRecord, readRunLog } from '../bucket/run-log.js';
import type { StoreReader } from '../store/store.js';
import { type DocumentDiff, diffSnapshots, type LabelChange } from './diff.js';
import { readSnapshotContent } from './diff-command.js';
import { resourceDisplayName, resourceKey } from './document-resources.js';
import { readAllSnapshots, snapshotTime } from './snapshots.js';
import { verifyStore } from './verify.js';
import type { VerifyReport } from './verify-report.js';

export interface ReportSnapshot {
  runId: string;
  createdAt: string;
  total: number;
  byType: Record<string, number>;
}

export interface ReportResource {
  type: string;
  id: string;
  name: string | null;
}

export interface ReportChange {
  from: string;
  to: string;
  createdAt: string;
  added: ReportResource[];
  removed: ReportResource[];
  relabelled: (ReportResource & { labels: LabelChange[] })[];
  /** Documents that differ, with diff's one-line summary. */
  documents: { name: string; status: DocumentDiff['status']; summary: string }[];
}

export interface ReportRun {
  attemptId: string;
  startedAt: string;
  outcome: RunRecord['outcome'];
  forced: boolean;
  /** The error's code and message, or why a forced run was let through. */
  reason: string;
  snapshot: string | null;
}

export interface ReportData {
  store: string;
  /** The range, ISO; `from` null: since the first snapshot. */
  from: string | null;
  to: string;
  generatedAt: string;
  /** Current snapshots created in the range, oldest first. */
  snapshots: ReportSnapshot[];
  /** Every resource type seen in those snapshots, sorted. */
  types: string[];
  changes: ReportChange[];
  runs: ReportRun[];
  /** Every attempt of the run log in the range, by outcome (folded unchanged runs counted one by one). */
  attempts: Record<string, number>;
  /** Run-log objects that could not be read as entries. */
  runLogProblems: { key: string; problem: string }[];
  verify: VerifyReport;
}

export interface ReportRange {
  from?: Date;
  to: Date;
}

function inRange(m: Manifest, range: ReportRange): boolean {
  const t = snapshotTime(m);
  return (range.from === undefined || t >= range.from.getTime()) && t < range.to.getTime();
}

export async function buildReportData(
  store: StoreReader,
  range: ReportRange,
  options: { verifyKey?: KeyObject; now: Date },
): Promise<ReportData> {
  const all = await readAllSnapshots(store);
  const byRunId = new Map(all.reads.flatMap((r) => (r.manifest ? [[r.runId, r.manifest] as const] : [])));
  const current = all.chain.runIds
    .map((id) => byRunId.get(id))
    .filter((m): m is Manifest => m !== undefined && inRange(m, range))
    .reverse();
  const changes: ReportChange[] = [];
  for (const m of current) {
    const previous = m.previousRunId === null ? undefined : byRunId.get(m.previousRunId);
    if (previous) changes.push(await changeBetween(store, previous, m));
  }
  const log = await readRunLog(store, {
    ...(range.from ? { from: range.from.toISOString() } : {}),
    to: range.to.toISOString(),
  });
  return {
    store: store.location,
    from: range.from?.toISOString() ?? null,
    to: range.to.toISOString(),
    generatedAt: options.now.toISOString(),
    snapshots: current.map((m) => ({
      runId: m.runId,
      createdAt: m.createdAt,
      total: m.resources.total,
      byType: { ...m.resources.byType },
    })),
    types: [...new Set(current.flatMap((m) => Object.keys(m.resources.byType)))].sort(),
    changes,
    runs: log.entries.flatMap((e) => (e.kind === 'run' ? notableRun(e) : [])),
    attempts: countAttempts(log.entries),
    runLogProblems: log.problems,
    verify: await verifyStore(store, undefined, options.verifyKey ? { verifyKey: options.verifyKey } : {}),
  };
}

function countAttempts(entries: readonly RunLogEntry[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of entries) {
    const outcome = e.kind === 'run' ? e.outcome : 'unchanged';
    out[outcome] = (out[outcome] ?? 0) + (e.kind === 'run' ? 1 : e.count);
  }
  return out;
}

function notableRun(r: RunRecord): ReportRun[] {
  const failed = r.outcome === 'failed' || r.outcome === 'refused' || r.outcome === 'aborted';
  if (!failed && r.forced === null) return [];
  const reason = r.error
    ? `${r.error.code}: ${r.error.message}`
    : r.forced
      ? `forced past: ${r.forced.reason}`
      : '';
  return [
    {
      attemptId: r.attemptId,
      startedAt: r.startedAt,
      outcome: r.outcome,
      forced: r.forced !== null,
      reason,
      snapshot: r.snapshot,
    },
  ];
}

/** The change from `a` to `b` by resource: a resource in several documents (prefixes) is listed once. */
async function changeBetween(store: StoreReader, a: Manifest, b: Manifest): Promise<ReportChange> {
  const diff = diffSnapshots(await readSnapshotContent(store, a), await readSnapshotContent(store, b));
  const seen = { added: new Set<string>(), removed: new Set<string>(), relabelled: new Set<string>() };
  const change: ReportChange = {
    from: a.runId,
    to: b.runId,
    createdAt: b.createdAt,
    added: [],
    removed: [],
    relabelled: [],
    documents: [],
  };
  const once = (set: Set<string>, r: { type: string; id: string }) => {
    const key = resourceKey(r.type, r.id);
    if (set.has(key)) return false;
    set.add(key);
    return true;
  };
  for (const d of diff.documents) {
    if (d.status === 'unchanged') continue;
    change.documents.push({ name: d.name, status: d.status, summary: d.summary });
    for (const r of d.added)
      if (once(seen.added, r))
        change.added.push({ type: r.type, id: r.id, name: resourceDisplayName(r) ?? null });
    for (const r of d.removed)
      if (once(seen.removed, r))
        change.removed.push({ type: r.type, id: r.id, name: resourceDisplayName(r) ?? null });
    for (const c of d.changed) {
      if (!once(seen.relabelled, c)) continue;
      const name = c.labels.find((l) => ['cluster_name', 'name', 'connector_name'].includes(l.name))?.to;
      change.relabelled.push({ type: c.type, id: c.id, name: name ?? null, labels: c.labels });
    }
  }
  return change;
}

/** Outcomes come from the run log's schema (an enum), so this needs no escaping: `12 attempts in the run log: 1 published, 10 unchanged, 1 refused`. */
export function attemptsText(attempts: Record<string, number>): string {
  const entries = Object.entries(attempts).sort(([a], [b]) => (a < b ? -1 : 1));
  const total = entries.reduce((n, [, c]) => n + c, 0);
  if (total === 0) return 'No attempt in the run log (runs/) in this range.';
  return `${total} attempts in the run log: ${entries.map(([o, c]) => `${c} ${o}`).join(', ')}.`;
}
