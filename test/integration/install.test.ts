/**
 * The install path of the README: build, `npm pack`, install the package globally into a clean prefix, and run the
 * `confluent-sd` that npm linked. Offline, from npm's cache: `npm install -g <tarball>` resolves the dependency
 * ranges through the registry's metadata, which npm's cache here does not hold (it holds the tarballs `npm ci`
 * fetched), so the test installs the unpacked tarball's production dependencies from the lockfile
 * (`npm ci --omit=dev --offline`, as the Dockerfile does) and then `npm install -g` that directory. Same files,
 * same dependency set, same bin link. Without npm or a cache that holds the dependencies it skips loudly (fails
 * when CI=true, where `.ci/run` has just run `npm ci`).
 */
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import process from 'node:process';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { usage } from '../../src/cli.js';
import { ROOT } from '../helpers/k8s-manifests.js';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  private?: boolean;
  bin: Record<string, string>;
};
const quiet = { npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = {},
): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, ...quiet, ...env },
  });
}

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.is(r.status, 0, `${what} exited ${r.status}: ${r.stdout}${r.stderr}${r.error ?? ''}`);
  return r.stdout;
}

const hasNpm = !spawnSync('npm', ['--version']).error;
if (!hasNpm) {
  const message = 'npm not found on PATH: the install path (npm pack, npm install -g) was not tested';
  if (process.env.CI === 'true')
    test('npm is installed (required when CI=true)', () => assert.unreachable(message));
  else process.stderr.write(`\n*** SKIPPED: ${message} ***\n\n`);
}

(hasNpm ? test : test.skip)('npm pack → npm install -g into a clean prefix → confluent-sd --help', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'confluent-sd-install-'));
  try {
    // the package as `npm run build` leaves it, staged apart from the work tree
    const stage = path.join(dir, 'stage');
    mkdirSync(stage);
    for (const f of ['package.json', 'README.md']) copyFileSync(path.join(ROOT, f), path.join(stage, f));
    const tsc = path.join(ROOT, 'node_modules/typescript/bin/tsc');
    ok(
      run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', path.join(stage, 'dist')], ROOT),
      'tsc',
    );

    const packed = JSON.parse(
      ok(run('npm', ['pack', stage, '--json', '--pack-destination', dir], dir), 'npm pack'),
    );
    const { filename, files } = packed[0] as { filename: string; files: { path: string }[] };
    assert.is(filename, `${pkg.name}-${pkg.version}.tgz`);
    const paths = files.map((f) => f.path);
    assert.ok(paths.includes(pkg.bin['confluent-sd']!), 'the bin is packed');
    assert.ok(paths.includes('package.json') && paths.includes('README.md'));
    assert.equal(
      paths.filter((p) => !p.startsWith('dist/') && p !== 'package.json' && p !== 'README.md'),
      [],
    );
    assert.not.ok(
      paths.some((p) => p.endsWith('.ts') && !p.endsWith('.d.ts')),
      'no TypeScript sources',
    );

    const unpacked = path.join(dir, 'unpacked');
    mkdirSync(unpacked);
    ok(run('tar', ['xzf', path.join(dir, filename), '-C', unpacked], dir), 'tar');
    const app = path.join(unpacked, 'package');
    copyFileSync(path.join(ROOT, 'package-lock.json'), path.join(app, 'package-lock.json'));
    const ci = run('npm', ['ci', '--omit=dev', '--offline', '--ignore-scripts'], app);
    if (ci.status !== 0 && /ENOTCACHED/.test(ci.stderr) && process.env.CI !== 'true') {
      process.stderr.write(
        '\n*** SKIPPED: npm cache lacks the dependencies (run npm ci once online) ***\n\n',
      );
      return;
    }
    ok(ci, 'npm ci --omit=dev --offline');

    const prefix = path.join(dir, 'prefix');
    ok(run('npm', ['install', '-g', '--prefix', prefix, '--offline', app], dir), 'npm install -g');
    const bin = path.join(prefix, 'bin', 'confluent-sd');
    // a clean PATH: only the prefix and node itself, so nothing of the work tree is found by accident
    const env = {
      PATH: [path.join(prefix, 'bin'), path.dirname(process.execPath), '/usr/bin', '/bin'].join(':'),
    };
    const help = run('confluent-sd', ['--help'], dir, env);
    assert.equal([help.status, help.stdout, help.stderr], [0, `${usage()}\n`, '']);
    assert.equal([ok(run(bin, ['version'], dir, env), 'version')], [`${pkg.version}\n`]);
    assert.match(
      ok(run(bin, ['help', 'publish'], dir, env), 'help publish'),
      /^usage: confluent-sd publish /,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the package stays private: installed from its tarball, never published by accident', () => {
  assert.is(pkg.private, true);
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  assert.match(readme, /^## Install$/m);
  assert.match(readme, /npm install -g \.\/confluent-sd-\d+\.\d+\.\d+\.tgz/);
});

test.run();
