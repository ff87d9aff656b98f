/** `diff --at`'s line (audit/current-at.ts): the snapshot, when it became current and until when. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type CurrentAt, formatCurrentAt } from '../../../src/audit/current-at.js';

const base: CurrentAt = {
  at: '2026-11-20T07:14:10.000Z',
  createdAt: '2026-11-20T07:00:30.000Z',
  runId: '20261120T070000Z',
  from: { time: '2026-11-20T07:00:41.000Z', source: 'switch' },
  until: '2026-11-20T09:30:12.000Z',
  replacedBy: '20261120T093000Z',
  stillCurrent: false,
};

const cases: [string, CurrentAt, string][] = [
  [
    'replaced',
    base,
    '20261120T070000Z  current from 2026-11-20T07:00:41.000Z (latest/ switched to it) until 2026-11-20T09:30:12.000Z (replaced by 20261120T093000Z)',
  ],
  [
    'still current',
    { ...base, until: null, replacedBy: null, stillCurrent: true },
    '20261120T070000Z  current from 2026-11-20T07:00:41.000Z (latest/ switched to it) until now',
  ],
  [
    'older than the run log, past a cut',
    { ...base, from: { time: base.createdAt, source: 'createdAt' }, until: null, replacedBy: null },
    '20261120T070000Z  current from 2026-11-20T07:00:30.000Z (its createdAt: no switch recorded) until unknown (the chain of snapshots is cut after it: pruned or unreadable)',
  ],
];
for (const [name, given, want] of cases)
  test(`formatCurrentAt: ${name}`, () => assert.is(formatCurrentAt(given), want));

test.run();
