/** `history --runs` lines (audit/history-runs.ts): one per attempt, a folded day as one line. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatRuns, listRuns } from '../../../src/audit/history-runs.js';
import { canonicalJson } from '../../../src/bucket/canonical.js';
import { runRecordKey, type UnchangedSummary, unchangedSummaryKey } from '../../../src/bucket/run-log.js';
import { createMemoryStore } from '../../../src/store/memory-store.js';
import { runRecord } from '../../helpers/run-log.js';

const refused = runRecord({
  attemptId: '20261120T073000Z-00000002',
  startedAt: '2026-11-20T07:30:00.000Z',
  finishedAt: '2026-11-20T07:30:03.000Z',
  outcome: 'refused',
  exitCode: 3,
  error: { code: 'GUARD_SHRINK', message: 'resources dropped from 25 to 7' },
  resources: { kafka: 3, connector: 4 },
  where: { host: 'pod-b', job: 'job-1' },
});
const forced = runRecord({
  attemptId: '20261120T080000Z-00000003',
  startedAt: '2026-11-20T08:00:00.000Z',
  finishedAt: '2026-11-20T08:00:05.000Z',
  outcome: 'published',
  runId: '20261120T080000Z',
  snapshot: '20261120T080000Z',
  switchedAt: '2026-11-20T08:00:04.000Z',
  forced: { reason: 'GUARD_SHRINK: resources dropped from 25 to 7; published anyway (--force)' },
  resources: { kafka: 3, connector: 4 },
  where: {},
});
const failed = runRecord({
  attemptId: '20261120T083000Z-00000004',
  startedAt: '2026-11-20T08:30:00.000Z',
  finishedAt: '2026-11-20T08:30:02.000Z',
  runId: null,
  outcome: 'failed',
  exitCode: 1,
  error: { code: 'API_UNAVAILABLE', message: 'list environments: server returned HTTP 503' },
  resources: null,
  snapshot: null,
  where: {},
});
const summary: UnchangedSummary = {
  kind: 'unchanged-summary',
  schemaVersion: 1,
  day: '2026-11-19',
  count: 47,
  firstStartedAt: '2026-11-19T00:00:00.000Z',
  lastFinishedAt: '2026-11-19T23:30:05.000Z',
  attemptIds: ['20261119T000000Z-00000001'],
  snapshots: ['20261118T070000Z'],
  versions: ['0.1.0'],
  organizationIds: ['org-1'],
  apiKeyIds: ['KEY1'],
  where: [{ host: 'pod-a' }],
};

test('formatRuns: newest first, every field an auditor asks for, a folded day on one line', async () => {
  const store = createMemoryStore();
  for (const r of [refused, forced, failed])
    await store.put(runRecordKey(r.startedAt, r.attemptId), canonicalJson(r), 'application/json');
  await store.put(unchangedSummaryKey('2026-11-19'), canonicalJson(summary), 'application/json');
  const h = await listRuns(store);
  assert.equal(h.problems, []);
  assert.equal(formatRuns(h).split('\n'), [
    '2026-11-20T08:30:00.000Z  failed  exit 1  API_UNAVAILABLE: list environments: server returned HTTP 503  no discovery  no snapshot  attempt 20261120T083000Z-00000004',
    '2026-11-20T08:00:00.000Z  published  exit 0  forced: GUARD_SHRINK: resources dropped from 25 to 7; published anyway (--force)  7 resources  snapshot 20261120T080000Z  switched 2026-11-20T08:00:04.000Z  attempt 20261120T080000Z-00000003',
    '2026-11-20T07:30:00.000Z  refused  exit 3  GUARD_SHRINK: resources dropped from 25 to 7  7 resources  snapshot 20261119T070000Z  host=pod-b job=job-1  attempt 20261120T073000Z-00000002',
    '2026-11-19  47 unchanged runs (folded)  2026-11-19T00:00:00.000Z … 2026-11-19T23:30:05.000Z  snapshot 20261118T070000Z  host=pod-a',
  ]);
  const since = await listRuns(store, {
    since: new Date('2026-11-20T07:45:00Z'),
    until: new Date('2026-11-20T08:00:00Z'),
  });
  assert.equal(since.runs, [forced]);
  assert.is(formatRuns({ runs: [], problems: [] }), 'no runs recorded');
});

test.run();
