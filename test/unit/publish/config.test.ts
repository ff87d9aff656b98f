/** The publish part's run deadline, SD_RUN_TIMEOUT. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formatDuration } from '../../../src/publish/config.js';
import { loadNamedParts } from '../../helpers/config.js';

test('SD_RUN_TIMEOUT: 25m by default, below the default 30-minute schedule; s, m and h', () => {
  const table: [string | undefined, number][] = [
    [undefined, 25 * 60_000],
    ['25m', 25 * 60_000],
    ['90s', 90_000],
    [' 2h ', 2 * 3_600_000],
    ['10s', 10_000],
    ['24h', 24 * 3_600_000],
  ];
  for (const [given, want] of table) {
    const env = given === undefined ? {} : { SD_RUN_TIMEOUT: given };
    assert.is(loadNamedParts(env, ['publish']).publish.runTimeoutMs, want, String(given));
  }
});

test('SD_RUN_TIMEOUT: a bad value is CONFIG_INVALID naming the variable and the text', () => {
  for (const given of ['25', 'soon', '0m', '5s', '25h', '-1m', '1.5h']) {
    assert.throws(
      () => loadNamedParts({ SD_RUN_TIMEOUT: given }, ['publish']),
      (err: Error) =>
        err.message.includes(
          `SD_RUN_TIMEOUT must be a duration from 10s to 24h such as 25m, 90s or 2h, got "${given.trim()}"`,
        ),
      given,
    );
  }
});

test('formatDuration writes a deadline back the way it was given', () => {
  const table: [number, string][] = [
    [25 * 60_000, '25m'],
    [90_000, '90s'],
    [2 * 3_600_000, '2h'],
    [1500, '1500ms'],
  ];
  for (const [ms, want] of table) assert.is(formatDuration(ms), want, want);
});

test.run();
