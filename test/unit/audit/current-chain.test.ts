import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isOrphan, traceCurrentChain } from '../../../src/audit/current-chain.js';
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
  };
  const orphanBetween: SnapshotsRead = {
    latest: m(D3, D1),
    reads: reads(m(D3, D1), m(D2, D1), m(D1, null)),
    chain: { runIds: [D3, D1] },
  };
  const cut: SnapshotsRead = {
    latest: m(D4, D3),
    reads: reads(m(D4, D3), m(D2, D1), m(D1, null)),
    chain: { runIds: [D4], cut: D3 },
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

test.run();
