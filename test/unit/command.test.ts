/**
 * How cli.ts runs a command: arguments first, then only the config parts it declares, then `run` with them; a
 * failure is printed once as `confluent-sd <command>: <CODE>: <message>` and logged once.
 */
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCommand as runReported } from '../../src/cli.js';
import { defineCommand, parseCommandArgs } from '../../src/command.js';
import { AppError } from '../../src/errors.js';
import { logPart } from '../../src/log.js';
import { publishPart } from '../../src/publish/config.js';
import { storePart } from '../../src/store/config.js';
import { runCommand } from '../helpers/run-command.js';

const seen: unknown[] = [];
const probe = defineCommand({
  summary: 'test',
  help: 'test',
  parseArgs: (argv: string[]) => parseCommandArgs(argv, { fail: { type: 'string' } }).values,
  config: { log: logPart, store: storePart },
  minFailureExit: 0,
  async run(ctx) {
    seen.push(ctx.config);
    if (ctx.args.fail === 'guard') throw new AppError('GUARD_EMPTY', 'zero resources');
    if (ctx.args.fail) throw new Error(ctx.args.fail);
    ctx.log.info('ran');
    return 0;
  },
});

test('the command gets its parts parsed and frozen; a part it does not declare cannot fail it', async () => {
  seen.length = 0;
  const r = await runCommand(probe, [], {
    SD_STORE: 'file:/tmp/x',
    SD_MAX_SHRINK: 'lots',
    SD_LISTEN: 'nowhere',
  });
  assert.is(r.code, 0, r.stderr);
  assert.equal(seen, [{ log: { level: 'info', format: 'json' }, store: { kind: 'file', dir: '/tmp/x' } }]);
  assert.ok(Object.isFrozen(seen[0]));
  assert.equal(
    r.logs.map((l) => l.msg),
    ['ran'],
  );
});

test('a bad flag is reported before a bad config, and neither is logged', async () => {
  const usage = await runCommand(probe, ['--nope'], { SD_STORE: 'ftp://x' });
  assert.equal(
    [usage.code, usage.stderr.split('\n')[0]?.split(': ').slice(0, 2)],
    [2, ['confluent-sd test', 'USAGE']],
  );
  const config = await runCommand(probe, [], { SD_STORE: 'ftp://x', LOG_FORMAT: 'xml' });
  assert.is(config.code, 2);
  assert.is(
    config.stderr,
    'confluent-sd test: CONFIG_INVALID: invalid configuration:\n' +
      '  - LOG_FORMAT must be one of json, pretty, got "xml"\n' +
      '  - SD_STORE must be file:<dir> or s3://<bucket>/<prefix>, got "ftp://x"\n',
  );
  assert.equal([...usage.logs, ...config.logs], []);
});

test('a failure of the run is printed once and logged once; only a bug carries a stack', async () => {
  const guard = await runCommand(probe, ['--fail', 'guard'], {});
  assert.equal([guard.code, guard.stderr], [3, 'confluent-sd test: GUARD_EMPTY: zero resources\n']);
  // a guard refusal is a policy outcome: warn, by code and message, no stack
  assert.equal(
    guard.logs.map((l) => [l.level, l.msg, l.exitCode, l.code, l.error, 'err' in l]),
    [[40, 'test refused by a guard', 3, 'GUARD_EMPTY', 'zero resources', false]],
  );
  const plain = await runCommand(probe, ['--fail', 'boom'], {});
  assert.equal([plain.code, plain.stderr], [1, 'confluent-sd test: boom\n']);
  assert.equal(
    plain.logs.map((l) => [l.level, l.msg, l.exitCode, typeof (l.err as { stack?: unknown }).stack]),
    [[50, 'test failed', 1, 'string']],
  );
});

test('publish --dry-run validates what publish validates (a store URL without its scheme is refused)', async () => {
  const { publishCommand } = await import('../../src/publish/command.js');
  const r = await runCommand(publishCommand, ['--dry-run'], {
    CONFLUENT_API_KEY: 'key',
    CONFLUENT_API_SECRET: 'secret',
    SD_STORE: 'data',
  });
  assert.is(r.code, 2);
  assert.match(
    r.stderr,
    /CONFIG_INVALID: .*\n {2}- SD_STORE must be file:<dir> or s3:\/\/<bucket>\/<prefix>, got "data"/s,
  );
});

test('minFailureExit raises the exit code of every failure (diff keeps 1 for "different")', async () => {
  const floored = { ...probe, minFailureExit: 2 };
  assert.is((await runCommand(floored, ['--fail', 'boom'], {})).code, 2);
  assert.is((await runCommand(floored, ['--fail', 'guard'], {})).code, 3);
});

test('the parts may depend on the arguments', async () => {
  seen.length = 0;
  const LOG_ONLY = { log: logPart } as const;
  const WITH_PUBLISH = { log: logPart, publish: publishPart } as const;
  const byArgs = defineCommand({
    summary: 'test',
    help: 'test',
    parseArgs: (argv: string[]) => ({ publish: argv.includes('publish') }),
    config: (args: { publish: boolean }): typeof LOG_ONLY | typeof WITH_PUBLISH =>
      args.publish ? WITH_PUBLISH : LOG_ONLY,
    async run(ctx) {
      seen.push(ctx.config);
      return 0;
    },
  });
  assert.is((await runCommand(byArgs, [], { SD_MAX_SHRINK: 'lots' })).code, 0);
  const r = await runCommand(byArgs, ['publish'], { SD_MAX_SHRINK: 'lots' });
  assert.is(r.code, 2);
  assert.match(r.stderr, /SD_MAX_SHRINK must be a number from 0 to 1, got "lots"/);
  assert.equal(seen, [{ log: { level: 'info', format: 'json' } }]);
});

test('without an injected logger the command logs as LOG_LEVEL says', async () => {
  const stderr = new PassThrough();
  let text = '';
  stderr.on('data', (c: Buffer) => {
    text += c.toString();
  });
  const quiet = defineCommand({
    summary: 'test',
    help: 'test',
    parseArgs: () => undefined,
    config: { log: logPart },
    async run(ctx) {
      assert.is(ctx.log.level, 'silent');
      return 0;
    },
  });
  const code = await runReported('quiet', quiet, {
    argv: [],
    env: { LOG_LEVEL: 'silent' },
    cwd: '/',
    stdout: new PassThrough(),
    stderr,
    signal: new AbortController().signal,
  });
  assert.equal([code, text], [0, '']);
});

test.run();
