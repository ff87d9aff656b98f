/** Every code of the ErrorCode union is documented in the README's "Error codes" table, with its exit code. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppError, type ErrorCode, exitCodeFor } from '../../src/errors.js';

const REPO = path.resolve(import.meta.dirname, '../..');

/** The string literals of `export type ErrorCode = | 'A' | 'B' …;` in src/errors.ts. */
function errorCodes(): string[] {
  const source = readFileSync(path.join(REPO, 'src/errors.ts'), 'utf8');
  const union = /export type ErrorCode =([^;]*);/.exec(source)?.[1] ?? '';
  return [...union.matchAll(/\|\s*'([A-Z_]+)'/g)].map((m) => m[1]!);
}

/** code → exit column of the rows of the README's "## Error codes" table (a row may name several codes). */
function documentedCodes(): Map<string, string> {
  const readme = readFileSync(path.join(REPO, 'README.md'), 'utf8');
  const section = /^## Error codes\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
  const out = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 4) continue;
    for (const m of (cells[1] ?? '').matchAll(/`([A-Z_]+)`/g)) out.set(m[1]!, cells.at(-2) ?? '');
  }
  return out;
}

test('the union is read from the source (a parse that finds nothing cannot pass)', () => {
  const codes = errorCodes();
  assert.ok(codes.length >= 16, codes.join());
  assert.ok(codes.includes('CONFIG_INVALID'));
});

test('every error code is in the README table, with the exit code the CLI gives it', () => {
  const documented = documentedCodes();
  const problems: string[] = [];
  for (const code of errorCodes()) {
    const exit = documented.get(code);
    const want = String(exitCodeFor(new AppError(code as ErrorCode, 'x')));
    if (exit === undefined) problems.push(`${code} is not documented`);
    else if (exit !== want) problems.push(`${code}: README says exit ${exit}, the CLI exits ${want}`);
  }
  assert.equal(problems, []);
});

test('the README documents no code the program does not have', () => {
  const codes = new Set(errorCodes());
  assert.equal(
    [...documentedCodes().keys()].filter((c) => !codes.has(c)),
    [],
  );
});

test.run();
