import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isOrphan, traceCurrentChain } from '../../../src/audit/current-chain.js';
import { currentPeriods } from '../../../src/audit/current-times.js';
import { type SnapshotsRead, selectCurrentAt } from '../../../src/audit/snapshots.js';
import type { Manifest } from '../../../src/bucket/manifest.js';
import { AppError } from '../../../src/errors.js';

const D1 = '20250101T000000Z';
const D2 = '20250102T000000Z';
const D3 = '20250103T000000Z';
const D4 = '20250104T000000Z';

/** A manifest written 30 s after its run started, replacing `previous`. */
function m(runId: string, previous: string | null): Manifest {
  const createdAt = `${runId.slice(0, 4)}-${runId.slice(4, 6)}-${runId.slice(6, 8)}T00:00:30.000Z`;
  return { runId, createdAt, previousRunId: previous } as Manifest;
}

type Reads = SnapshotsRead['reads'];
const reads = (...ms: Manifest[]): Reads => ms.map((x) => ({ runId: x.runId, manifest: x }));

test('traceCurrentChain: previousRunId from latest/ back; orphans are off it', () => {
  const cases: [string, Manifest | undefined, Reads, string[], string | undefined, string[]][] = [
    ['nothing published', undefined, reads(m(D1, null)), [], undefined, [D1]],
    ['one run', m(D1, null), reads(m(D1, null)), [D1], undefined, []],
    [
      'the newest snapshot is an orphan (its run died before the switch)',
      m(D2, D1),
      reads(m(D3, D2), m(D2, D1), m(D1, null)),
      [D2, D1],
      undefined,
      [D3],
    ],
    [
      'an orphan between two switches: the later run replaced the one latest/ pointed at',
      m(D3, D1),
      reads(m(D3, D1), m(D2, D1), m(D1, null)),
      [D3, D1],
      undefined,
      [D2],
    ],
    [
      'a pruned link cuts the chain: older snapshots cannot be judged',
      m(D4, D3),
      reads(m(D4, D3), m(D2, D1), m(D1, null)),
      [D4],
      D3,
      [],
    ],
    [
      'an unreadable manifest cuts it too',
      m(D3, D2),
      [
        ...reads(m(D3, D2)),
        { runId: D2, error: new AppError('MANIFEST_INVALID', 'bad') },
        ...reads(m(D1, null)),
      ],
      [D3],
      D2,
      [],
    ],
    [
      'latest/ whose own snapshot was pruned: its manifest still names the previous',
      m(D2, D1),
      reads(m(D1, null)),
      [D2, D1],
      undefined,
      [],
    ],
    ['a loop is cut where it repeats', m(D2, D1), reads(m(D2, D1), m(D1, D2)), [D2, D1], D2, []],
  ];
  for (const [name, latest, rs, runIds, cut, orphans] of cases) {
    const chain = traceCurrentChain(latest, rs);
    assert.equal(chain, { runIds, ...(cut ? { cut } : {}) }, name);
    assert.equal(
      rs.map((r) => r.runId).filter((id) => isOrphan(chain, id)),
      orphans,
      name,
    );
  }
});

test('selectCurrentAt: the newest run latest/ pointed at, created at or before the time', () => {
  const orphanNewest: SnapshotsRead = {
    latest: m(D2, D1),
    reads: reads(m(D3, D2), m(D2, D1), m(D1, null)),
    chain: { runIds: [D2, D1] },
    switches: new Map(),
  };
  const orphanBetween: SnapshotsRead = {
    latest: m(D3, D1),
    reads: reads(m(D3, D1), m(D2, D1), m(D1, null)),
    chain: { runIds: [D3, D1] },
    switches: new Map(),
  };
  const cut: SnapshotsRead = {
    latest: m(D4, D3),
    reads: reads(m(D4, D3), m(D2, D1), m(D1, null)),
    chain: { runIds: [D4], cut: D3 },
    switches: new Map(),
  };
  const cases: [string, SnapshotsRead, string, string | undefined][] = [
    ['now, with the orphan the newest', orphanNewest, '2030-01-01T00:00:00Z', D2],
    ['the orphan written, latest/ still at D2', orphanNewest, '2025-01-03T12:00:00Z', D2],
    ['before the first snapshot', orphanNewest, '2025-01-01T00:00:00Z', undefined],
    ['at the orphan time, between two switches', orphanBetween, '2025-01-02T12:00:00Z', D1],
    ['after the later switch', orphanBetween, '2025-01-03T00:00:30Z', D3],
    ['before the cut: the older snapshots as they are', cut, '2025-01-02T12:00:00Z', D2],
    ['after the cut: the chain', cut, '2025-01-04T12:00:00Z', D4],
  ];
  for (const [name, s, at, want] of cases) assert.is(selectCurrentAt(s, new Date(at))?.runId, want, name);
});

test('current at T: from the recorded switch (not the run id, not createdAt) until the next switch', () => {
  // D2's run started at 00:00:00, wrote its manifest at 00:00:30 and switched latest/ at 00:02:00
  const s: SnapshotsRead = {
    latest: m(D2, D1),
    reads: reads(m(D2, D1), m(D1, null)),
    chain: { runIds: [D2, D1] },
    switches: new Map([[D2, '2025-01-02T00:02:00.000Z']]),
  };
  const cases: [string, string, string | undefined][] = [
    ['at the run id', '2025-01-02T00:00:00Z', D1],
    ['at createdAt, before the switch', '2025-01-02T00:00:30Z', D1],
    ['a millisecond before the switch', '2025-01-02T00:01:59.999Z', D1],
    ['at the switch', '2025-01-02T00:02:00Z', D2],
    ['D1 without a record: from its createdAt', '2025-01-01T00:00:30Z', D1],
    ['before D1 became current', '2025-01-01T00:00:29Z', undefined],
  ];
  for (const [name, at, want] of cases) assert.is(selectCurrentAt(s, new Date(at))?.runId, want, name);
  assert.equal(currentPeriods([m(D2, D1), m(D1, null)], s.switches), [
    {
      runId: D2,
      from: { time: '2025-01-02T00:02:00.000Z', source: 'switch' },
      until: null,
      replacedBy: null,
    },
    {
      runId: D1,
      from: { time: '2025-01-01T00:00:30.000Z', source: 'createdAt' },
      until: '2025-01-02T00:02:00.000Z',
      replacedBy: D2,
    },
  ]);
});

test.run();
