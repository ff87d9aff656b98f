/** Run-log records for tests, built from one whole default record. */
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

/** The outcome of the newest run-log record in the store, or undefined when there is none. */
export async function lastRunOutcome(store: StoreReader): Promise<string | undefined> {
  const runs = (await readRunLog(store)).entries.filter((e) => e.kind === 'run');
  return runs.at(-1)?.outcome;
}
