/**
 * The CLI's conventions (cli.ts `main`): `help <command>` prints that command's own help for every command,
 * `version`, `-V` and `--version` print the version and the overview lists them, and an unknown command or flag is
 * answered with the closest known one ("did you mean").
 */
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { COMMANDS, main, usage } from '../../src/cli.js';
import { closestWord, editDistance } from '../../src/command.js';
import { VERSION } from '../../src/version.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...argv: string[]): Promise<Run> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  const code = await main({
    argv,
    env: {},
    cwd: process.cwd(),
    stdout,
    stderr,
    signal: new AbortController().signal,
  });
  await new Promise((r) => setImmediate(r));
  return { code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() };
}

for (const name of Object.keys(COMMANDS)) {
  test(`help ${name} prints the help of ${name}, the same as ${name} --help`, async () => {
    const command = await COMMANDS[name]!();
    const viaHelp = await cli('help', name);
    assert.equal(viaHelp, { code: 0, stdout: `${command.help.trimEnd()}\n`, stderr: '' });
    assert.ok(viaHelp.stdout.startsWith(`usage: confluent-sd ${name}`), viaHelp.stdout.split('\n')[0]);
    assert.is.not(viaHelp.stdout, `${usage()}\n`);
    assert.equal(await cli(name, '--help'), viaHelp);
  });
}

test('help, --help and -h print the overview; no command prints it and exits 2', async () => {
  for (const word of ['help', '--help', '-h']) {
    assert.equal(await cli(word), { code: 0, stdout: `${usage()}\n`, stderr: '' }, word);
  }
  assert.equal(await cli(), { code: 2, stdout: `${usage()}\n`, stderr: '' });
});

test('version, -V, --version and -v print the version', async () => {
  for (const word of ['version', '-V', '--version', '-v']) {
    assert.equal(await cli(word), { code: 0, stdout: `${VERSION}\n`, stderr: '' }, word);
  }
  assert.match(VERSION, /^\d+\.\d+\.\d+/);
  assert.equal((await cli('help', 'version')).code, 0);
});

test('the overview lists every command, help and version with its flags', () => {
  const lines = usage().split('\n');
  for (const name of [...Object.keys(COMMANDS), 'help', 'version']) {
    assert.ok(
      lines.some((l) => l.startsWith(`  ${name} `)),
      name,
    );
  }
  assert.match(usage(), /version +print the version \(also -V, --version\)/);
  assert.match(usage(), /help <command>/);
});

test('an unknown command: named, with the closest command, then the overview; exit 2', async () => {
  assert.equal(await cli('pubish'), {
    code: 2,
    stdout: '',
    stderr: `confluent-sd: unknown command "pubish" (did you mean "publish"?)\n\n${usage()}\n`,
  });
  assert.ok(
    (await cli('serv')).stderr.startsWith('confluent-sd: unknown command "serv" (did you mean "serve"?)'),
  );
  assert.ok((await cli('help', 'histroy')).stderr.includes('(did you mean "history"?)'));
  assert.ok((await cli('verison')).stderr.includes('(did you mean "version"?)'));
  assert.ok((await cli('xyzzy')).stderr.startsWith('confluent-sd: unknown command "xyzzy"\n'));
});

test('an unknown top-level flag gets the closest flag', async () => {
  const r = await cli('--verison');
  assert.is(r.code, 2);
  assert.ok(
    r.stderr.startsWith('confluent-sd: unknown flag "--verison" (did you mean "--version"?)'),
    r.stderr,
  );
});

test("an unknown flag of a command gets the closest of that command's flags", async () => {
  const cases: [string[], string][] = [
    [
      ['publish', '--dry-rn'],
      'confluent-sd publish: USAGE: unknown flag --dry-rn (did you mean --dry-run?)\n',
    ],
    [['publish', '--forc'], 'confluent-sd publish: USAGE: unknown flag --forc (did you mean --force?)\n'],
    [
      ['prune', '--keep-day=3'],
      'confluent-sd prune: USAGE: unknown flag --keep-day (did you mean --keep-days?)\n',
    ],
    [['history', '--jsno'], 'confluent-sd history: USAGE: unknown flag --jsno (did you mean --json?)\n'],
    [['demo', '--sim'], 'confluent-sd demo: USAGE: unknown flag --sim (did you mean --sim-port?)\n'],
    [['serve', '--nonsense'], 'confluent-sd serve: USAGE: unknown flag --nonsense\n'],
  ];
  for (const [argv, stderr] of cases)
    assert.equal(await cli(...argv), { code: 2, stdout: '', stderr }, argv.join(' '));
});

test('editDistance and closestWord', () => {
  const distances: [string, string, number][] = [
    ['', '', 0],
    ['publish', 'publish', 0],
    ['pubish', 'publish', 1],
    ['srvee', 'serve', 2],
    ['kitten', 'sitting', 3],
  ];
  for (const [a, b, want] of distances) assert.is(editDistance(a, b), want, `${a} ${b}`);
  const words = ['publish', 'prune', 'serve', 'schedule', 'simulate'];
  const closest: [string, string | undefined][] = [
    ['pubish', 'publish'],
    ['prun', 'prune'],
    ['sched', 'schedule'],
    ['s', undefined],
    ['totally-else', undefined],
  ];
  for (const [word, want] of closest) assert.is(closestWord(word, words), want, word);
});

test.run();
