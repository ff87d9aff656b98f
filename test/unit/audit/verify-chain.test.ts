import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { walkChain } from '../../../src/audit/verify-chain.js';
import type { Manifest } from '../../../src/bucket/manifest.js';
import type { PrunedRecord } from '../../../src/bucket/pruned.js';

const D1 = '20250101T000000Z';
const D2 = '20250102T000000Z';
const D3 = '20250103T000000Z';
const D4 = '20250104T000000Z';

const m = (runId: string, previousRunId: string | null) => ({ runId, previousRunId }) as Manifest;
const p = (runId: string, previousRunId: string | null) => ({ runId, previousRunId }) as PrunedRecord;
const map = <T extends { runId: string }>(...xs: T[]) => new Map(xs.map((x) => [x.runId, x]));

test('walkChain: every link present or recorded by prune; anything else is reported', () => {
  // name, latest, present run ids, parsed manifests, pruned records → runIds, pruned, complete, problem keys, off chain
  const cases: [string, Manifest, string[], Map<string, Manifest>, Map<string, PrunedRecord>, unknown][] = [
    ['one run', m(D1, null), [D1], map(m(D1, null)), map(), [[D1], [], true, [], []]],
    [
      'three runs, all there',
      m(D3, D2),
      [D3, D2, D1],
      map(m(D3, D2), m(D2, D1), m(D1, null)),
      map(),
      [[D3, D2, D1], [], true, [], []],
    ],
    [
      'a middle snapshot deleted by hand',
      m(D3, D2),
      [D3, D1],
      map(m(D3, D2), m(D1, null)),
      map(),
      [[D3], [], false, ['chain snapshots/20250102T000000Z/manifest.json'], [D1]],
    ],
    [
      'the same, pruned and recorded',
      m(D3, D2),
      [D3, D1],
      map(m(D3, D2), m(D1, null)),
      map(p(D2, D1)),
      [[D3, D2, D1], [D2], true, [], []],
    ],
    [
      'pruned records carry the walk past several removals',
      m(D4, D3),
      [D4],
      map(m(D4, D3)),
      map(p(D3, D2), p(D2, D1), p(D1, null)),
      [[D4, D3, D2, D1], [D3, D2, D1], true, [], []],
    ],
    [
      'latest/ names a snapshot not in the store: the walk goes on from the pointer',
      m(D2, D1),
      [D1],
      map(m(D1, null)),
      map(),
      [[D2, D1], [], true, [], []],
    ],
    [
      'an unreadable manifest on the chain stops the walk without a second problem',
      m(D3, D2),
      [D3, D2, D1],
      map(m(D3, D2), m(D1, null)),
      map(),
      [[D3, D2], [], false, [], [D1]],
    ],
    [
      'a loop',
      m(D3, D2),
      [D3, D2],
      map(m(D3, D2), m(D2, D3)),
      map(),
      [[D3, D2], [], false, ['chain snapshots/20250102T000000Z/manifest.json'], []],
    ],
  ];
  for (const [name, latest, present, manifests, pruned, want] of cases) {
    const w = walkChain(latest, present, manifests, pruned);
    assert.equal(
      [
        w.chain.runIds,
        w.chain.pruned,
        w.chain.complete,
        w.problems.map((x) => `${x.kind} ${x.key}`),
        w.offChain,
      ],
      want,
      name,
    );
  }
});

test.run();
