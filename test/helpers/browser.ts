/**
 * A real headless browser for the report's test: Debian's chromium through puppeteer-core. Without the binary the
 * test is skipped loudly, and fails when CI=true (as the e2e tests do without prometheus).
 */
import { existsSync } from 'node:fs';
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';

export const CHROMIUM_BIN = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** True when chromium is there and the caller should define its browser tests. */
export function hasChromium<T>(test: Test<T>, names: readonly string[]): boolean {
  if (existsSync(CHROMIUM_BIN)) return true;
  const message = `chromium not found (${CHROMIUM_BIN}): the report's browser test did not run`;
  if (process.env.CI === 'true')
    test('chromium is installed (required when CI=true)', () => assert.unreachable(message));
  else {
    process.stderr.write(`\n!!! SKIPPED: ${message} (install the chromium package or set CHROMIUM) !!!\n\n`);
    for (const name of names) test.skip(name, () => {});
  }
  return false;
}

/** Chromium's flags here: as root (containers, CI) it runs only without its sandbox. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'];
