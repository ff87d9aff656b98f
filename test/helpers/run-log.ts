/** Run-log records for tests, built from one whole default record. */
import type { RunRecord } from '../../src/bucket/run-log.js';

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

