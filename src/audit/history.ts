/**
 * `history`: the snapshots in the store, newest first, each with what it told Prometheus (resources per type,
 * documents) and the snapshot it replaced; the one `latest/` points to carries its last `checkedAt`.
 */

import type { Manifest, PlanFiguresEntry } from '../bucket/manifest.js';
import { parseRunId } from '../bucket/run-id.js';
import type { AppError } from '../errors.js';
import type { StoreReader } from '../store/store.js';
import { isOrphan } from './current-chain.js';
import { type CurrentPeriod, type CurrentSince, currentPeriods } from './current-times.js';
import { scopeManifest } from './organization-scope.js';
import { chainedManifests, readAllSnapshots, snapshotTime } from './snapshots.js';
import { plural } from './text.js';

export interface HistoryEntry {
  runId: string;
  /** When the snapshot was written (manifest createdAt); null when its manifest cannot be read. */
  createdAt: string | null;
  previousRunId: string | null;
  resources: { total: number; byType: Record<string, number> } | null;
  documents: string[];
  latest: boolean;
  /** `latest/` never pointed at it (its run died before the switch): never current, never served. */
  orphan: boolean;
  /**
   * When it was current (current-times.ts): from its run's switch of `latest/` (`fromSource: switch`) or its
   * createdAt (`createdAt`: no switch recorded) until the next switch (null: still current, or not known past a
   * cut in the chain); null for an orphan or a snapshot older than a cut.
   */
  current: { from: string; fromSource: CurrentSince['source']; until: string | null } | null;
  /** For the snapshot `latest/` points to: the last run that found the documents unchanged. */
  checkedAt: string | null;
  toolVersion: string | null;
  /** Why the manifest could not be read (schema too new, invalid). */
  error: string | null;
  errorCode: AppError['code'] | null;
  /**
   * The scrape plan's figures by document name; only on a snapshot where a plan packs resources or is degraded
   * (a plan of one group per resource is the `resource` grouping and adds nothing to say).
   */
  plan?: Record<string, PlanBrief>;
}

/** What `history` says of a document's plan. */
export interface PlanBrief {
  groups: number;
  requestsPerMinute: number;
  budgetPerMinute: number;
  degraded: PlanFiguresEntry['degraded'];
  shards: number;
}

export interface History {
  latest: string | null;
  snapshots: HistoryEntry[];
}

export interface HistoryFilter {
  since?: Date;
  until?: Date;
  /** Only this organisation's documents and resource counts (organization-scope.ts). */
  organization?: string;
}

function planOf(m: Manifest): Record<string, PlanBrief> | undefined {
  const figures = Object.entries(m.documents)
    .flatMap(([name, entry]) => (entry.plan ? [[name, entry.plan] as const] : []))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  if (!figures.some(([, p]) => p.largestGroup.resources > 1 || p.degraded !== 'none')) return undefined;
  return Object.fromEntries(
    figures.map(([name, p]) => [
      name,
      {
        groups: p.groups,
        requestsPerMinute: p.requestsPerMinute,
        budgetPerMinute: p.budgetPerMinute,
        degraded: p.degraded,
        shards: p.shards,
      },
    ]),
  );
}

export function manifestToEntry(
  m: Manifest,
  latest: Manifest | undefined,
  orphan: boolean,
  period?: CurrentPeriod,
): HistoryEntry {
  const isLatest = latest?.runId === m.runId;
  const plan = planOf(m);
  return {
    current: period ? { from: period.from.time, fromSource: period.from.source, until: period.until } : null,
    runId: m.runId,
    createdAt: m.createdAt,
    previousRunId: m.previousRunId,
    resources: { total: m.resources.total, byType: { ...m.resources.byType } },
    documents: Object.keys(m.documents).sort(),
    latest: isLatest,
    orphan,
    checkedAt: isLatest && latest ? latest.checkedAt : null,
    toolVersion: m.toolVersion,
    error: null,
    errorCode: null,
    ...(plan ? { plan } : {}),
  };
}

function scoped(m: Manifest, filter: HistoryFilter): Manifest {
  return filter.organization === undefined ? m : scopeManifest(m, filter.organization);
}

function isWithin(time: number, filter: HistoryFilter): boolean {
  return (
    (filter.since === undefined || time >= filter.since.getTime()) &&
    (filter.until === undefined || time <= filter.until.getTime())
  );
}

/** Reads every snapshot manifest; unreadable ones are listed with their error instead of hiding them. */
export async function listHistory(store: StoreReader, filter: HistoryFilter = {}): Promise<History> {
  const s = await readAllSnapshots(store);
  const { latest, reads, chain } = s;
  const periods = new Map(currentPeriods(chainedManifests(s), s.switches).map((p) => [p.runId, p]));
  const entries: HistoryEntry[] = [];
  for (const read of reads) {
    if (read.manifest) {
      const orphan = isOrphan(chain, read.runId);
      if (isWithin(snapshotTime(read.manifest), filter))
        entries.push(manifestToEntry(scoped(read.manifest, filter), latest, orphan, periods.get(read.runId)));
      continue;
    }
    if (!isWithin(parseRunId(read.runId)?.getTime() ?? 0, filter)) continue;
    entries.push({
      runId: read.runId,
      createdAt: null,
      previousRunId: null,
      resources: null,
      documents: [],
      latest: latest?.runId === read.runId,
      orphan: isOrphan(chain, read.runId),
      current: null,
      checkedAt: null,
      toolVersion: null,
      error: read.error?.message ?? 'unreadable',
      errorCode: read.error?.code ?? null,
    });
  }
  return { latest: latest?.runId ?? null, snapshots: entries };
}

function formatTypes(byType: Record<string, number>): string {
  return Object.entries(byType)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([t, n]) => `${t} ${n}`)
    .join(', ');
}

/** `plan 2 groups, 2/2 requests/min`, per document when the documents' plans differ. */
function formatPlan(plan: Record<string, PlanBrief>): string {
  const brief = (p: PlanBrief) =>
    `${plural(p.groups, 'group')}, ${p.requestsPerMinute}/${p.budgetPerMinute} requests/min${p.degraded === 'none' ? '' : `, degraded ${p.degraded}`}${p.degraded === 'shard' ? ` (${plural(p.shards, 'shard')})` : ''}`;
  const entries = Object.entries(plan);
  const texts = new Set(entries.map(([, p]) => brief(p)));
  if (texts.size === 1) return `plan ${[...texts][0]}`;
  return `plan ${entries.map(([name, p]) => `${name}: ${brief(p)}`).join('; ')}`;
}

/** One line per snapshot. */
export function formatHistory(h: History): string {
  if (h.snapshots.length === 0) return 'no snapshots';
  return h.snapshots
    .map((e) => {
      if (e.error !== null) return `${e.runId}  unreadable: ${e.error}`;
      const parts = [
        e.runId,
        e.createdAt ?? '',
        `${e.resources?.total ?? 0} resources (${formatTypes(e.resources?.byType ?? {})})`,
        `${e.documents.length} documents`,
        ...(e.plan ? [formatPlan(e.plan)] : []),
        e.previousRunId ? `replaces ${e.previousRunId}` : 'first',
        ...(e.current ? [`current ${e.current.from} → ${e.current.until ?? 'now'}`] : []),
      ];
      if (e.latest) parts.push(`latest, checked ${e.checkedAt ?? '?'}`);
      if (e.orphan) parts.push('orphan: latest/ never pointed at it');
      return parts.join('  ');
    })
    .join('\n');
}
