/**
 * What `report` shows, read from the store alone: the snapshots that were current in the range ("current at a
 * time", current-times.ts: from their switch of `latest/` to the next; resources per type), every change between
 * them by resource (diff.ts), the failed, refused, aborted and forced runs of the run log with their reasons
 * (report-runs.ts), and the result of `verify` over the whole store. `--organization NAME` scopes each part as
 * history, diff and verify do (organization-scope.ts). Renderers (report-html.ts, report-markdown.ts) take this
 * plain value; everything in it that came from the store is untrusted text.
 */
import type { KeyObject } from 'node:crypto';
import type { Manifest } from '../bucket/manifest.js';
import { parseRunId } from '../bucket/run-id.js';
import { readRunLog } from '../bucket/run-log.js';
import type { StoreReader } from '../store/store.js';
import { type CurrentPeriod, type CurrentSince, currentPeriods } from './current-times.js';
import { type DocumentDiff, diffSnapshots, type LabelChange } from './diff.js';
import { readSnapshotContent } from './diff-command.js';
import { resourceDisplayName, resourceKey } from './document-resources.js';
import { scopeManifest, scopeSnapshot, scopeVerifyReport } from './organization-scope.js';
import { type ReportRun, selectReportRuns } from './report-runs.js';
import { chainedManifests, readAllSnapshots } from './snapshots.js';
import { verifyStore } from './verify.js';
import type { VerifyReport } from './verify-report.js';

export interface ReportSnapshot {
  runId: string;
  createdAt: string;
  /** When it became current (current-times.ts): its run's switch of `latest/`, else its createdAt. */
  currentFrom: string;
  currentFromSource: CurrentSince['source'];
  /** Until the next switch; null while it is still current (or, past a cut in the chain, unknown). */
  currentUntil: string | null;
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
  /** When `to` became current. */
  at: string;
  added: ReportResource[];
  removed: ReportResource[];
  relabelled: (ReportResource & { labels: LabelChange[] })[];
  /** Documents that differ, with diff's one-line summary. */
  documents: { name: string; status: DocumentDiff['status']; summary: string }[];
}

export interface ReportData {
  store: string;
  /** The range, ISO; `from` null: since the first snapshot. */
  from: string | null;
  to: string;
  generatedAt: string;
  /** `--organization NAME`: everything below as that organisation sees it (organization-scope.ts). */
  organization: string | null;
  /** The snapshots whose current period overlaps the range, oldest first. */
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

/** A current period overlaps the range: it began before the range ends and ended (if it did) after it began. */
function overlaps(p: CurrentPeriod, range: ReportRange): boolean {
  const until = p.until === null ? Number.POSITIVE_INFINITY : timeMs(p.until, p.replacedBy);
  return timeMs(p.from.time, p.runId) < range.to.getTime() && (!range.from || until > range.from.getTime());
}

/** A time of the store, or (a createdAt that is not one) the time of the run id it stands for. */
function timeMs(time: string, runId: string | null): number {
  const t = Date.parse(time);
  return Number.isNaN(t) ? ((runId === null ? undefined : parseRunId(runId)?.getTime()) ?? 0) : t;
}

export async function buildReportData(
  store: StoreReader,
  range: ReportRange,
  options: { verifyKey?: KeyObject; now: Date; organization?: string },
): Promise<ReportData> {
  const org = options.organization;
  const all = await readAllSnapshots(store);
  const byRunId = new Map(all.reads.flatMap((r) => (r.manifest ? [[r.runId, r.manifest] as const] : [])));
  const chained = chainedManifests(all);
  const periods = new Map(currentPeriods(chained, all.switches).map((p) => [p.runId, p]));
  const current = chained
    .flatMap((m) => {
      const p = periods.get(m.runId);
      return p && overlaps(p, range) ? [{ m, p, shown: org === undefined ? m : scopeManifest(m, org) }] : [];
    })
    .reverse();
  const changes: ReportChange[] = [];
  for (const { m, p } of current) {
    const previous = m.previousRunId === null ? undefined : byRunId.get(m.previousRunId);
    if (previous) changes.push(await changeBetween(store, previous, m, p.from.time, org));
  }
  const log = await readRunLog(store, {
    ...(range.from ? { from: range.from.toISOString() } : {}),
    to: range.to.toISOString(),
  });
  const verify = await verifyStore(
    store,
    undefined,
    options.verifyKey ? { verifyKey: options.verifyKey } : {},
  );
  return {
    store: store.location,
    from: range.from?.toISOString() ?? null,
    to: range.to.toISOString(),
    generatedAt: options.now.toISOString(),
    organization: org ?? null,
    snapshots: current.map(({ shown: m, p }) => ({
      runId: m.runId,
      createdAt: m.createdAt,
      currentFrom: p.from.time,
      currentFromSource: p.from.source,
      currentUntil: p.until,
      total: m.resources.total,
      byType: { ...m.resources.byType },
    })),
    types: [...new Set(current.flatMap(({ shown }) => Object.keys(shown.resources.byType)))].sort(),
    changes,
    ...selectReportRuns(log.entries, org),
    runLogProblems: log.problems,
    verify: await scopeVerifyReport(store, verify, org),
  };
}

/** The change from `a` to `b` by resource: a resource in several documents (prefixes) is listed once. */
async function changeBetween(
  store: StoreReader,
  a: Manifest,
  b: Manifest,
  at: string,
  organization: string | undefined,
): Promise<ReportChange> {
  const diff = diffSnapshots(
    scopeSnapshot(await readSnapshotContent(store, a), organization),
    scopeSnapshot(await readSnapshotContent(store, b), organization),
  );
  const seen = { added: new Set<string>(), removed: new Set<string>(), relabelled: new Set<string>() };
  const change: ReportChange = {
    from: a.runId,
    to: b.runId,
    at,
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

/** `2026-11-20T07:00:09.120Z`, or with `(createdAt)` when no switch is recorded for it (written before the run log). */
export function becameCurrent(s: ReportSnapshot): string {
  return s.currentFromSource === 'switch' ? s.currentFrom : `${s.currentFrom} (createdAt)`;
}

export function organizationText(organization: string): string {
  return `Organisation ${organization} only: its documents and resources, the problems verify found in them, and the runs that concern it (every run but those whose error names only other organisations).`;
}
