/**
 * Golden files under test/fixtures/: compared as text. `UPDATE_GOLDEN=1` rewrites them instead (then review
 * the written files by eye before committing).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

export function fixturePath(relative: string): string {
  return FIXTURES + relative;
}

export function assertGolden(relative: string, actual: string): void {
  const path = fixturePath(relative);
  if (process.env.UPDATE_GOLDEN === '1') {
    writeFileSync(path, actual);
    return;
  }
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`golden file ${relative} is missing; run with UPDATE_GOLDEN=1 to write it`, {
      cause: err,
    });
  }
  assert.fixture(actual, expected, `golden file ${relative} differs (UPDATE_GOLDEN=1 rewrites it)`);
}
