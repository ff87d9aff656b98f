/**
 * The run log as the report shows it: the failed, refused, aborted and forced attempts with their reasons, and
 * every attempt counted by outcome. With `--organization NAME` an attempt counts for the organisation unless its
 * error names only other organisations: one attempt discovers every organisation of `organizations:`, and a run
 * record names organisations by the ids of their CRNs (`organizationIds`), not by those names, so the error's
 * `organization NAME: …` / `organization NAME failed: …` is the only part that tells one organisation from another.
 */
import type { RunLogEntry, RunRecord } from '../bucket/run-log.js';

export interface ReportRun {
  attemptId: string;
  startedAt: string;
  outcome: RunRecord['outcome'];
  forced: boolean;
  exitCode: number;
  /** The error's code and message, or why a forced run was let through. */
  reason: string;
  snapshot: string | null;
}

const NAMED_RE = /\borganization ([A-Za-z0-9][A-Za-z0-9_.-]*)(?: failed)?:/g;

/** False when the record's error names organisations and `organization` is not one of them. */
export function concernsOrganization(r: RunRecord, organization: string | undefined): boolean {
  if (organization === undefined || r.error === null) return true;
  const named = [...r.error.message.matchAll(NAMED_RE)].map((m) => m[1]);
  return named.length === 0 || named.includes(organization);
}

/** The attempts the report lists, oldest first; each kept entry counted by outcome. */
export function selectReportRuns(
  entries: readonly RunLogEntry[],
  organization: string | undefined,
): { runs: ReportRun[]; attempts: Record<string, number> } {
  const kept = entries.filter((e) => e.kind !== 'run' || concernsOrganization(e, organization));
  return {
    runs: kept.flatMap((e) => (e.kind === 'run' ? notableRun(e) : [])),
    attempts: countAttempts(kept),
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

/** Failed, refused, aborted, forced, or published with an error (a partial run: an organisation failed, exit 1). */
function notableRun(r: RunRecord): ReportRun[] {
  const failed = r.outcome === 'failed' || r.outcome === 'refused' || r.outcome === 'aborted';
  if (!failed && r.forced === null && r.error === null) return [];
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
      exitCode: r.exitCode,
      reason,
      snapshot: r.snapshot,
    },
  ];
}

/** `refused`, `published (forced)`, `published (exit 1)` for a partial run. */
export function runOutcomeText(r: ReportRun): string {
  const partial = r.outcome === 'published' && r.exitCode !== 0 ? ` (exit ${r.exitCode})` : '';
  return `${r.outcome}${r.forced ? ' (forced)' : ''}${partial}`;
}

/** Outcomes come from the run log's schema (an enum), so this needs no escaping: `12 attempts in the run log: 1 published, 10 unchanged, 1 refused`. */
export function attemptsText(attempts: Record<string, number>): string {
  const entries = Object.entries(attempts).sort(([a], [b]) => (a < b ? -1 : 1));
  const total = entries.reduce((n, [, c]) => n + c, 0);
  if (total === 0) return 'No attempt in the run log (runs/) in this range.';
  return `${total} attempts in the run log: ${entries.map(([o, c]) => `${c} ${o}`).join(', ')}.`;
}
