/**
 * Files of src/ stay small enough to read in one sitting: at most 250 lines a file and 60 a function (generated
 * code aside). A file that must be longer says why on a line of its own: `// size: <reason>`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROOT, sourceFiles } from '../../helpers/source-tree.js';

const MAX_FILE_LINES = 250;
const MAX_FUNCTION_LINES = 60;
const REASON_RE = /^\s*\/\/ size: \S/m;

const files = sourceFiles().map((file) => ({ file, text: readFileSync(path.join(ROOT, file), 'utf8') }));

test(`no file over ${MAX_FILE_LINES} lines without a reason`, () => {
  const long = files
    .filter(({ text }) => text.split('\n').length > MAX_FILE_LINES && !REASON_RE.test(text))
    .map(({ file, text }) => `${file}: ${text.split('\n').length} lines`);
  assert.equal(long, []);
});

function longFunctions(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES) {
        const name = node.name && ts.isIdentifier(node.name) ? node.name.text : '(anonymous)';
        out.push(`${file}:${start + 1} ${name}: ${lines} lines`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

test(`no function over ${MAX_FUNCTION_LINES} lines without a reason`, () => {
  const long = files
    .filter(({ text }) => !REASON_RE.test(text))
    .flatMap(({ file, text }) => longFunctions(file, text));
  assert.equal(long, []);
});

test.run();
