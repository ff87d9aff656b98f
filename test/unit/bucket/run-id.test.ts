import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatRunId, nextRunId, parseRunId } from '../../../src/bucket/run-id.js';

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

test.run();
