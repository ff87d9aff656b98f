/** The run log's schema, keys and reader (bucket/run-log.ts), on the in-memory store. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalJson } from '../../../src/bucket/canonical.js';
import {
  parseRunLogObject,
  readRunLog,
  runRecordKey,
  type UnchangedSummary,
  unchangedSummaryKey,
} from '../../../src/bucket/run-log.js';
import { createMemoryStore } from '../../../src/store/memory-store.js';
import { runRecord } from '../../helpers/run-log.js';

const summary: UnchangedSummary = {
  kind: 'unchanged-summary',
  schemaVersion: 1,
  day: '2026-11-19',
  count: 2,
  firstStartedAt: '2026-11-19T00:00:00.000Z',
  lastFinishedAt: '2026-11-19T23:30:05.000Z',
  attemptIds: ['20261119T000000Z-00000001', '20261119T233000Z-00000002'],
  snapshots: ['20261118T070000Z'],
  versions: ['0.1.0'],
  organizationIds: ['org-1'],
  apiKeyIds: ['KEY1'],
  where: [{ host: 'pod-a' }],
};

test('keys: runs/<day of the start>/<attemptId>.json and runs/<day>/unchanged.json', () => {
  assert.is(
    runRecordKey('2026-11-20T23:59:59.000Z', '20261120T235959Z-0a1b2c3d'),
    'runs/2026-11-20/20261120T235959Z-0a1b2c3d.json',
  );
  assert.is(unchangedSummaryKey('2026-11-19'), 'runs/2026-11-19/unchanged.json');
});

const good = runRecord();
const goodKey = runRecordKey(good.startedAt, good.attemptId);
for (const [name, key, text, want] of [
  ['a record where it belongs', goodKey, canonicalJson(good), good],
  ['a summary where it belongs', 'runs/2026-11-19/unchanged.json', canonicalJson(summary), summary],
  [
    'a record without switchedAt (defaults to null)',
    goodKey,
    JSON.stringify({ ...good, switchedAt: undefined }),
    good,
  ],
  ['not JSON', goodKey, '{', 'not JSON'],
  ['not a run-log key', 'runs/x.json', canonicalJson(good), 'not a run-log key'],
  [
    'filed under another day',
    'runs/2026-11-21/20261120T070000Z-0a1b2c3d.json',
    canonicalJson(good),
    'filed under 2026-11-21 but belongs to 2026-11-20',
  ],
  [
    'key and record disagree',
    'runs/2026-11-20/20261120T070000Z-ffffffff.json',
    canonicalJson(good),
    'key names 20261120T070000Z-ffffffff, record 20261120T070000Z-0a1b2c3d',
  ],
  [
    'a summary under another name',
    'runs/2026-11-19/20261119T000000Z-00000001.json',
    canonicalJson(summary),
    'a summary must be unchanged.json',
  ],
] as const) {
  test(`parseRunLogObject: ${name}`, () => {
    assert.equal(parseRunLogObject(key, text), want);
  });
}

test('parseRunLogObject: a wrong outcome is not an entry', () => {
  const got = parseRunLogObject(goodKey, JSON.stringify({ ...good, outcome: 'fine' }));
  assert.type(got, 'string');
  assert.match(String(got), /^not a run-log entry/);
});

test('readRunLog: every entry oldest first, problems listed, and a range by time', async () => {
  const store = createMemoryStore();
  const late = runRecord({
    attemptId: '20261120T073000Z-00000003',
    startedAt: '2026-11-20T07:30:00.000Z',
    finishedAt: '2026-11-20T07:30:04.000Z',
    outcome: 'refused',
    exitCode: 3,
    error: { code: 'GUARD_SHRINK', message: 'resources dropped from 25 to 7' },
  });
  for (const r of [late, good])
    await store.put(runRecordKey(r.startedAt, r.attemptId), canonicalJson(r), 'application/json');
  await store.put(unchangedSummaryKey('2026-11-19'), canonicalJson(summary), 'application/json');
  await store.put('runs/2026-11-20/junk.json', 'nope', 'application/json');
  const all = await readRunLog(store);
  assert.equal(all.entries, [summary, good, late]);
  assert.equal(all.problems, [{ key: 'runs/2026-11-20/junk.json', problem: 'not JSON' }]);
  const range = await readRunLog(store, { from: '2026-11-20T07:10:00Z', to: '2026-11-21T00:00:00Z' });
  assert.equal(range.entries, [late]);
  const day19 = await readRunLog(store, { to: '2026-11-20T00:00:00Z' });
  assert.equal(day19.entries, [summary]);
});

test.run();
