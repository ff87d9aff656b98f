/**
 * The run log's writer (bucket/run-log.ts): one record per attempt, whatever its outcome, created after
 * `status.json` and never overwritten. A record that cannot be written is a warning: the run's outcome stands.
 */
import { randomBytes } from 'node:crypto';
import { canonicalJson } from '../bucket/canonical.js';
import { formatRunId } from '../bucket/run-id.js';
import { RUN_LOG_SCHEMA_VERSION, type RunOutcome, type RunRecord, runRecordKey } from '../bucket/run-log.js';
import { describeError, exitCodeFor, isAppError } from '../errors.js';
import type { Run } from './run.js';
import { foldEndedDay } from './run-log-fold.js';

/** `<run id of the start>-<8 hex>`: unique across writers even within one second. */
export function createAttemptId(started: Date): string {
  return `${formatRunId(started)}-${randomBytes(4).toString('hex')}`;
}

export interface RunEnd {
  outcome: RunOutcome;
  /** The snapshot the attempt produced or kept (what `latest/` names after it); null when none. */
  snapshot: string | null;
  error?: unknown;
}

/** The outcome of a run that threw: refused by a guard, abandoned (SIGTERM, the run deadline), or failed. */
export function outcomeOfError(err: unknown): RunOutcome {
  if (isAppError(err, 'GUARD_EMPTY') || isAppError(err, 'GUARD_SHRINK')) return 'refused';
  for (let e: unknown = err; e instanceof Error; e = e.cause) if (isAppError(e, 'ABORTED')) return 'aborted';
  return 'failed';
}

export function buildRunRecord(run: Run, end: RunEnd): RunRecord {
  const failed = end.error !== undefined;
  // an error that is not an AppError is a defect: no code says more than its message
  const code = isAppError(end.error) ? end.error.code : 'UNKNOWN';
  return {
    kind: 'run',
    schemaVersion: RUN_LOG_SCHEMA_VERSION,
    attemptId: run.attemptId,
    runId: run.runId,
    startedAt: run.startedAt,
    finishedAt: run.now().toISOString(),
    switchedAt: end.outcome === 'published' ? (run.switchedAt ?? null) : null,
    outcome: end.outcome,
    exitCode: failed ? exitCodeFor(end.error) : 0,
    error: failed ? { code, message: describeError(end.error) } : null,
    forced: run.forced.length > 0 ? { reason: run.forced.join('; ') } : null,
    resources: run.resources ? { ...run.resources.byType } : null,
    snapshot: end.snapshot,
    previousSnapshot: run.previousSnapshot,
    organizationIds: [...run.organizationIds],
    apiKeyIds: [...(run.deps.apiKeyIds ?? [])],
    version: run.deps.version,
    where: { ...(run.deps.where ?? {}) },
  };
}

/**
 * Creates the attempt's record, then folds one ended day of unchanged runs (bounded work per run). Returns why
 * the record could not be written, or null; a failed fold is only logged (the next run tries again).
 */
export async function writeRunRecord(run: Run, end: RunEnd): Promise<string | null> {
  const record = buildRunRecord(run, end);
  const key = runRecordKey(record.startedAt, record.attemptId);
  try {
    await run.deps.store.create(key, canonicalJson(record), 'application/json');
  } catch (err) {
    run.log.warn({ err, key }, 'could not write the run log record');
    return describeError(err);
  }
  try {
    await foldEndedDay(run.deps.store, run.now(), run.log);
  } catch (err) {
    run.log.warn({ err }, 'could not fold the unchanged runs of an ended day');
  }
  return null;
}

/** The snapshot `latest/` names after a run that threw: this run's when it switched, else the one before. */
export function snapshotAfterError(run: Run): string | null {
  return run.pointed ?? run.previousSnapshot;
}
