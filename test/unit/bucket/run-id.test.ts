import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  chooseRunId,
  formatRunId,
  MAX_CLOCK_SKEW_MS,
  nextRunId,
  parseRunId,
  runIdAfter,
  snapshotTime,
} from '../../../src/bucket/run-id.js';

test('formatRunId is UTC YYYYMMDDTHHMMSSZ', () => {
  assert.is(formatRunId(new Date('2026-11-23T09:05:07.123Z')), '20261123T090507Z');
});

test('parseRunId round-trips and rejects junk', () => {
  assert.equal(parseRunId('20261123T090507Z')?.toISOString(), '2026-11-23T09:05:07.000Z');
  for (const bad of ['', '20261323T090507Z', '20261123T250507Z', '2026-11-23', '../etc', '20261123T090507']) {
    assert.is(parseRunId(bad), undefined, bad);
  }
});

test('nextRunId is strictly after the previous run', () => {
  const now = new Date('2026-11-23T09:05:07.500Z');
  assert.is(nextRunId(now, null), '20261123T090507Z');
  assert.is(nextRunId(now, '20261123T090507Z'), '20261123T090508Z');
  assert.is(nextRunId(now, '20261123T090510Z'), '20261123T090511Z');
  assert.is(nextRunId(now, '20261123T080000Z'), '20261123T090507Z');
});

test('chooseRunId: the clock, the second after a previous id within the skew bound, the clock past it', () => {
  const now = new Date('2026-11-23T09:05:07.500Z');
  const cases: [string, string | null, [string, number, string]][] = [
    ['first run', null, ['20261123T090507Z', 0, 'clock']],
    ['previous in an earlier second', '20261123T090506Z', ['20261123T090507Z', 0, 'clock']],
    ['previous in the same second', '20261123T090507Z', ['20261123T090508Z', 0, 'after-previous']],
    ['clock 5 minutes behind', '20261123T091007Z', ['20261123T091008Z', 299_500, 'after-previous']],
    [
      'clock just within the bound',
      '20261123T100507Z',
      ['20261123T100508Z', MAX_CLOCK_SKEW_MS - 500, 'after-previous'],
    ],
    ['previous a year ahead', '20271123T090507Z', ['20261123T090507Z', 31_535_999_500, 'skew-ignored']],
  ];
  for (const [name, previous, want] of cases) {
    const got = chooseRunId(now, previous);
    assert.equal([got.runId, got.aheadMs, got.basis], want, name);
  }
});

test('runIdAfter is the next second, across a day', () => {
  assert.is(runIdAfter('20261231T235959Z'), '20270101T000000Z');
});

test('snapshotTime: the earlier of run id and write time; far ahead of now is "future"', () => {
  const now = new Date('2026-11-23T09:00:00Z');
  const at = (iso: string) => new Date(iso).getTime();
  const cases: [string, string, string | undefined, number | 'future'][] = [
    ['run id alone', '20261120T090000Z', undefined, at('2026-11-20T09:00:00Z')],
    [
      'a store that answered no write time (0)',
      '20261120T090000Z',
      '1970-01-01T00:00:00Z',
      at('2026-11-20T09:00:00Z'),
    ],
    [
      'written later than its id (normal)',
      '20261120T090000Z',
      '2026-11-20T09:00:03Z',
      at('2026-11-20T09:00:00Z'),
    ],
    [
      'id inherited from a skewed run, written on time',
      '20271120T090000Z',
      '2026-11-20T09:00:03Z',
      at('2026-11-20T09:00:03Z'),
    ],
    ['a clock half an hour ahead', '20261123T093000Z', undefined, at('2026-11-23T09:30:00Z')],
    ['a clock a year ahead, on disk too', '20271123T090000Z', '2027-11-23T09:00:01Z', 'future'],
  ];
  for (const [name, runId, written, want] of cases)
    assert.is(snapshotTime(runId, written ? new Date(written) : undefined, now), want, name);
});

test.run();
