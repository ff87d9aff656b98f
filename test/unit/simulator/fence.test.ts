/**
 * The simulator is a test oracle: it models Confluent Cloud on its own and imports no product code but the
 * generic modules, and only the commands that start it import it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const SRC = path.resolve('src');
const SIMULATOR = path.join(SRC, 'simulator');
/** What the simulator may import from outside its folder. */
const GENERIC = ['errors.ts', 'log.ts', 'command.ts'];
const CONFIG_DIR = 'config';
/** The modules that may start the simulator. */
const STARTERS = ['cli.ts', 'demo.ts'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.join(e.parentPath, e.name));
}

/** `from './x.js'`, `import './x.js'` and `import('./x.js')`. */
const RELATIVE_IMPORT = /\b(?:from|import)\s*\(?\s*'(\.[^']+)'/g;

/** The files a module imports by relative path, resolved to `.ts` paths relative to src/. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(RELATIVE_IMPORT)].map((m) =>
    path.relative(SRC, path.resolve(path.dirname(file), m[1]!)).replace(/\.js$/, '.ts'),
  );
}

test('the simulator imports only errors, log, command and config from outside its folder', () => {
  const outside = sourceFiles(SIMULATOR).flatMap((file) =>
    relativeImports(file)
      .filter((target) => !target.startsWith(`simulator${path.sep}`))
      .filter((target) => !GENERIC.includes(target) && !target.startsWith(`${CONFIG_DIR}${path.sep}`))
      .map((target) => `${path.relative(SRC, file)} -> ${target}`),
  );
  assert.equal(outside, []);
});

test('only the cli and the demo import the simulator', () => {
  const importers = sourceFiles(SRC)
    .filter((file) => !file.startsWith(SIMULATOR + path.sep))
    .filter((file) => relativeImports(file).some((target) => target.startsWith(`simulator${path.sep}`)))
    .map((file) => path.relative(SRC, file))
    .sort();
  assert.equal(importers, STARTERS);
});

test.run();
