/**
 * `history --runs`: the run log (bucket/run-log.ts), one line per attempt, newest first: outcome, exit code and
 * error, a forced run's reason, the resources it found, the snapshot it produced or kept, and where it ran. A day
 * whose unchanged runs were folded shows them as one line.
 */
import {
  type RunLogEntry,
  type RunLogProblem,
  type RunRecord,
  readRunLog,
  type UnchangedSummary,
} from '../bucket/run-log.js';
import type { StoreReader } from '../store/store.js';
import { plural } from './text.js';

export interface RunsHistory {
  /** Newest first. */
  runs: RunLogEntry[];
  /** Objects under `runs/` that are not run-log entries. */
  problems: RunLogProblem[];
}

export async function listRuns(
  store: StoreReader,
  filter: { since?: Date; until?: Date } = {},
): Promise<RunsHistory> {
  const log = await readRunLog(store, {
    ...(filter.since ? { from: filter.since.toISOString() } : {}),
    // --until is inclusive, the reader's `to` is not
    ...(filter.until ? { to: new Date(filter.until.getTime() + 1).toISOString() } : {}),
  });
  return { runs: [...log.entries].reverse(), problems: log.problems };
}

function formatWhere(where: Record<string, string>): string {
  return Object.entries(where)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function total(resources: Record<string, number>): number {
  return Object.values(resources).reduce((n, v) => n + v, 0);
}

export function formatRunRecord(r: RunRecord): string {
  const parts = [r.startedAt, r.outcome, `exit ${r.exitCode}`];
  if (r.error) parts.push(`${r.error.code}: ${r.error.message}`);
  if (r.forced) parts.push(`forced: ${r.forced.reason}`);
  parts.push(r.resources ? plural(total(r.resources), 'resource') : 'no discovery');
  parts.push(r.snapshot ? `snapshot ${r.snapshot}` : 'no snapshot');
  if (r.outcome === 'published' && r.switchedAt) parts.push(`switched ${r.switchedAt}`);
  const where = formatWhere(r.where);
  if (where) parts.push(where);
  parts.push(`attempt ${r.attemptId}`);
  return parts.join('  ');
}

export function formatUnchangedSummary(s: UnchangedSummary): string {
  const where = s.where.map(formatWhere).filter((w) => w !== '');
  return [
    s.day,
    `${plural(s.count, 'unchanged run')} (folded)`,
    `${s.firstStartedAt} … ${s.lastFinishedAt}`,
    `snapshot ${s.snapshots.join(', ') || '(none)'}`,
    ...(where.length > 0 ? [where.join('; ')] : []),
  ].join('  ');
}

/** One line per attempt (a folded day as one line), newest first. */
export function formatRuns(h: RunsHistory): string {
  if (h.runs.length === 0) return 'no runs recorded';
  return h.runs.map((e) => (e.kind === 'run' ? formatRunRecord(e) : formatUnchangedSummary(e))).join('\n');
}
