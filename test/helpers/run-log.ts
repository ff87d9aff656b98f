/** Run-log records for tests, built from one whole default record. */
import { formatRunId } from '../../src/bucket/run-id.js';
import { type RunRecord, readRunLog } from '../../src/bucket/run-log.js';
import type { StoreReader } from '../../src/store/store.js';

/** A plain unchanged run of 2026-11-20T07:00Z, with `over` applied. */
export function runRecord(over: Partial<RunRecord> = {}): RunRecord {
  const startedAt = over.startedAt ?? '2026-11-20T07:00:00.000Z';
  return {
    kind: 'run',
    schemaVersion: 1,
    attemptId: '20261120T070000Z-0a1b2c3d',
    runId: '20261120T070000Z',
    startedAt,
    finishedAt: '2026-11-20T07:00:09.000Z',
    switchedAt: null,
    outcome: 'unchanged',
    exitCode: 0,
    error: null,
    forced: null,
    resources: { kafka: 3 },
    snapshot: '20261119T070000Z',
    previousSnapshot: '20261119T070000Z',
    organizationIds: ['org-1'],
    apiKeyIds: ['KEY1'],
    version: '0.1.0',
    where: { host: 'pod-a' },
    ...over,
  };
}

/** A published run that started at `startedAt` and took 2 s (its run and attempt ids from that time), with `over`. */
export function runRecordAt(startedAt: Date, over: Partial<RunRecord> = {}): RunRecord {
  const runId = formatRunId(startedAt);
  return runRecord({
    attemptId: `${runId}-0badc0de`,
    runId,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date(startedAt.getTime() + 2000).toISOString(),
    outcome: 'published',
    snapshot: null,
    previousSnapshot: null,
    ...over,
  });
}

/** The outcome of the newest run-log record in the store, or undefined when there is none. */
export async function lastRunOutcome(store: StoreReader): Promise<string | undefined> {
  const runs = (await readRunLog(store)).entries.filter((e) => e.kind === 'run');
  return runs.at(-1)?.outcome;
}
