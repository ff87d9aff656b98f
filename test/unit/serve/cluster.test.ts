import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadParts } from '../../../src/config/load.js';
import { createConfigVars } from '../../../src/config/vars.js';
import { resolveWorkers, workerExecArgv } from '../../../src/serve/cluster.js';
import { servePart } from '../../../src/serve/config.js';

test('a worker keeps the primary node flags but those of inline code, and gets the serving flags', () => {
  const SEMI = '--max-semi-space-size=4';
  const cases: [string, string[], string[]][] = [
    ['tsx loader', ['--import', 'tsx'], ['--import', 'tsx', SEMI]],
    ['inline module', ['--input-type=module', '-e', 'await main()'], [SEMI]],
    [
      'heap limit and eval',
      ['--max-old-space-size=128', '--eval', 'x', '--import', 'tsx'],
      ['--max-old-space-size=128', '--import', 'tsx', SEMI],
    ],
    ['--print=', ['--print=1'], [SEMI]],
    ["the primary's own young generation", ['--max-semi-space-size=16'], ['--max-semi-space-size=16']],
  ];
  for (const [name, given, want] of cases) assert.equal(workerExecArgv(given), want, name);
  assert.equal(workerExecArgv([], '--max-semi-space-size=8 --trace-gc'), [], 'set in NODE_OPTIONS');
  assert.equal(workerExecArgv([], '--max-old-space-size=64'), [SEMI]);
});

test('SD_WORKERS: auto (default) or 1 to 64; a number is taken as it is', async () => {
  const parse = (env: Record<string, string>) =>
    loadParts(createConfigVars({ SD_AUTH: 'off', ...env }, process.cwd()), { serve: servePart }).serve
      .workers;
  assert.is(parse({}), 'auto');
  assert.is(parse({ SD_WORKERS: '2' }), 2);
  for (const bad of ['0', '65', 'two', '1.5'])
    assert.throws(() => parse({ SD_WORKERS: bad }), /SD_WORKERS must be auto or a whole number from 1 to 64/);
  assert.is(await resolveWorkers(3), 3);
  const auto = await resolveWorkers('auto');
  assert.ok(auto >= 1 && auto <= 2, String(auto));
});

test.run();
