import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { planPrune } from '../../../src/audit/prune.js';
import { parseSnapshotRef, parseTime, selectSnapshotAt } from '../../../src/audit/snapshots.js';
import type { Manifest } from '../../../src/bucket/manifest.js';
import type { SnapshotListing } from '../../../src/bucket/read.js';
import { isAppError } from '../../../src/errors.js';
import type { ObjectInfo } from '../../../src/store/store.js';

test('parseTime: ISO times (no zone = UTC) and run ids; anything else is USAGE', () => {
  const good: [string, string][] = [
    ['2025-01-31T12:00:00Z', '2025-01-31T12:00:00.000Z'],
    ['2025-01-31T12:00:00.250Z', '2025-01-31T12:00:00.250Z'],
    ['2025-01-31T12:00:00+02:00', '2025-01-31T10:00:00.000Z'],
    ['2025-01-31T12:00', '2025-01-31T12:00:00.000Z'],
    ['2025-01-31 12:00:00', '2025-01-31T12:00:00.000Z'],
    ['2025-01-31', '2025-01-31T00:00:00.000Z'],
    ['20250131T120000Z', '2025-01-31T12:00:00.000Z'],
  ];
  for (const [text, iso] of good) assert.is(parseTime(text, '--since').toISOString(), iso, text);
  for (const bad of [
    'yesterday',
    '2025-13-01',
    '2025-01-31T25:00:00Z',
    '1738324800',
    '',
    '20251301T000000Z',
  ]) {
    try {
      parseTime(bad, '--since');
      assert.unreachable(bad);
    } catch (err) {
      assert.ok(isAppError(err, 'USAGE'), bad);
      assert.match((err as Error).message, /^--since: ".*" is not an ISO 8601 time/, bad);
    }
  }
});

test('parseSnapshotRef: latest, run id, time; garbage is USAGE', () => {
  assert.equal(parseSnapshotRef('latest'), { kind: 'latest' });
  assert.equal(parseSnapshotRef('20250101T000000Z'), { kind: 'run', runId: '20250101T000000Z' });
  assert.equal(parseSnapshotRef('2025-01-01T00:00:00Z'), {
    kind: 'time',
    time: new Date('2025-01-01T00:00:00Z'),
  });
  try {
    parseSnapshotRef('HEAD~1');
    assert.unreachable();
  } catch (err) {
    assert.ok(isAppError(err, 'USAGE'));
  }
});

const manifestAt = (runId: string, createdAt: string) => ({ runId, createdAt }) as Manifest;

test('selectSnapshotAt: the newest snapshot written at or before the time', () => {
  const newestFirst = [
    manifestAt('20250103T000000Z', '2025-01-03T00:00:30.000Z'),
    manifestAt('20250102T000000Z', '2025-01-02T00:00:30.000Z'),
    manifestAt('20250101T000000Z', '2025-01-01T00:00:30.000Z'),
  ];
  const cases: [string, string | undefined][] = [
    ['2025-01-01T00:00:00Z', undefined],
    ['2025-01-01T00:00:30Z', '20250101T000000Z'],
    ['2025-01-02T00:00:10Z', '20250101T000000Z'],
    ['2025-01-02T12:00:00Z', '20250102T000000Z'],
    ['2030-01-01T00:00:00Z', '20250103T000000Z'],
  ];
  for (const [at, want] of cases) assert.is(selectSnapshotAt(newestFirst, new Date(at))?.runId, want, at);
});

function listingOf(complete: string[], incomplete: string[] = []): SnapshotListing {
  const objects = new Map<string, ObjectInfo[]>();
  const info = (key: string): ObjectInfo => ({ key, size: 1, etag: 'x', lastModified: new Date(0) });
  for (const id of complete)
    objects.set(id, [info(`snapshots/${id}/a.json`), info(`snapshots/${id}/manifest.json`)]);
  for (const id of incomplete) objects.set(id, [info(`snapshots/${id}/a.json`)]);
  const desc = (ids: string[]) => [...ids].sort().reverse();
  return { runIds: desc(complete), incomplete: desc(incomplete), objects };
}

test('planPrune: keeps the latest, the newest and the recent; manifest first', () => {
  const now = new Date('2025-01-10T12:00:00Z');
  const ids = ['20250101T000000Z', '20250105T000000Z', '20250108T000000Z', '20250110T000000Z'];
  const cases: [string, number, string | null, string[], [string, string][]][] = [
    [
      'keep 3 days, latest is the newest',
      3,
      '20250110T000000Z',
      ['20250105T000000Z', '20250101T000000Z'],
      [
        ['20250110T000000Z', 'latest'],
        ['20250108T000000Z', 'recent'],
      ],
    ],
    [
      'keep 0 days, latest is older than the newest',
      0,
      '20250105T000000Z',
      ['20250108T000000Z', '20250101T000000Z'],
      [
        ['20250110T000000Z', 'newest'],
        ['20250105T000000Z', 'latest'],
      ],
    ],
    [
      'keep 0 days, nothing published in latest/',
      0,
      null,
      ['20250108T000000Z', '20250105T000000Z', '20250101T000000Z'],
      [['20250110T000000Z', 'newest']],
    ],
    [
      'keep 100 days',
      100,
      '20250110T000000Z',
      [],
      [
        ['20250110T000000Z', 'latest'],
        ['20250108T000000Z', 'recent'],
        ['20250105T000000Z', 'recent'],
        ['20250101T000000Z', 'recent'],
      ],
    ],
  ];
  for (const [name, days, latest, removed, kept] of cases) {
    const plan = planPrune(listingOf(ids), latest, now, days);
    assert.equal(
      plan.remove.map((r) => r.runId),
      removed,
      name,
    );
    assert.equal(
      plan.kept.map((k) => [k.runId, k.reason]),
      kept,
      name,
    );
    for (const r of plan.remove)
      assert.equal(r.keys, [`snapshots/${r.runId}/manifest.json`, `snapshots/${r.runId}/a.json`], name);
  }
});

test('planPrune: a manifest-less folder goes only when old enough and past the grace hour', () => {
  const now = new Date('2025-01-10T12:00:00Z');
  const plan = planPrune(
    listingOf(['20250110T000000Z'], ['20250101T000000Z', '20250110T113000Z']),
    '20250110T000000Z',
    now,
    0,
  );
  assert.equal(plan.remove, [
    { runId: '20250101T000000Z', keys: ['snapshots/20250101T000000Z/a.json'], incomplete: true },
  ]);
});

test.run();
