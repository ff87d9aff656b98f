/**
 * The Dockerfile, read as text (no Docker engine here): multi-stage, Node LTS slim, the build stage runs
 * `make generate` and the TypeScript build, the runtime stage has production dependencies only, a numeric
 * non-root USER, `ENTRYPOINT ["confluent-sd"]` that reaches dist/cli.js, and a HEALTHCHECK for `serve`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULTS, ENV_VARIABLES } from '../../../src/config-parts.js';
import { SERVE_NODE_FLAGS } from '../../../src/serve/cluster.js';
import { parseListen } from '../../../src/serve/config.js';
import {
  type Instruction,
  parseDockerfile,
  parseEnvArgs,
  readDockerfileStages,
  type Stage,
  stagesOf,
  userOf,
} from '../../helpers/dockerfile.js';
import { ROOT } from '../../helpers/k8s-manifests.js';

const NODE_LTS_MAJOR = 24;
const stages = readDockerfileStages(path.join(ROOT, 'Dockerfile'));
const build = stages[0] as Stage;
const runtime = stages.at(-1) as Stage;
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<string, string>;
  engines: { node: string };
};

const all = (s: Stage, keyword: string): Instruction[] => s.instructions.filter((i) => i.keyword === keyword);
const runs = (s: Stage): string =>
  all(s, 'RUN')
    .map((i) => i.args)
    .join('\n');

test('the reader joins continuation lines and splits stages', () => {
  const text = '# c\nFROM a AS one\nRUN x \\\n  # inside\n && y\nFROM b\nUSER 1:2\n';
  assert.equal(stagesOf(parseDockerfile(text)), [
    { image: 'a', name: 'one', instructions: [{ keyword: 'RUN', args: 'x   && y', line: 3 }] },
    { image: 'b', instructions: [{ keyword: 'USER', args: '1:2', line: 7 }] },
  ]);
  assert.equal(parseEnvArgs('A=1 B="x y"'), { A: '1', B: 'x y' });
});

test('two stages, both on the Node LTS slim image that package.json engines allows', () => {
  assert.equal(
    stages.map((s) => [s.image, s.name]),
    [
      [`node:${NODE_LTS_MAJOR}-bookworm-slim`, 'build'],
      [`node:${NODE_LTS_MAJOR}-bookworm-slim`, 'runtime'],
    ],
  );
  const min = /^>=(\d+)\./.exec(pkg.engines.node);
  assert.ok(
    min && Number(min[1]) <= NODE_LTS_MAJOR,
    `engines ${pkg.engines.node} admits Node ${NODE_LTS_MAJOR}`,
  );
  assert.is(NODE_LTS_MAJOR % 2, 0, 'even majors are the LTS lines');
});

test('the build stage installs with npm ci, runs make generate and the TypeScript build', () => {
  const script = runs(build);
  assert.match(script, /npm ci --no-audit --no-fund/);
  assert.match(script, /make generate && npm run build/);
  assert.match(script, /apt-get install -y --no-install-recommends make/);
  assert.match(script, /npm ci --omit=dev --ignore-scripts/);
  assert.match(readFileSync(path.join(ROOT, 'Makefile'), 'utf8'), /^generate: /m);
  for (const ins of all(build, 'COPY')) {
    for (const src of ins.args.split(/\s+/).slice(0, -1)) {
      if (src !== '.') assert.ok(existsSync(path.join(ROOT, src)), `COPY source ${src} exists`);
    }
  }
});

test('the runtime stage carries only dist/, package.json and production node_modules', () => {
  assert.equal(
    all(runtime, 'COPY').map((i) => i.args),
    [
      '--from=build /prod/node_modules ./node_modules',
      '--from=build /src/package.json ./package.json',
      '--from=build /src/dist ./dist',
    ],
  );
  assert.not.match(runs(runtime), /npm (ci|install)/);
  assert.is(all(runtime, 'WORKDIR').at(-1)?.args, '/app');
});

test('USER is numeric and not root, set after the last RUN', () => {
  const user = userOf(runtime);
  assert.equal(user, { user: '10001', group: '10001' });
  const index = (i: Instruction) => runtime.instructions.indexOf(i);
  const lastUser = all(runtime, 'USER').at(-1) as Instruction;
  assert.ok(all(runtime, 'RUN').every((r) => index(r) < index(lastUser)));
  assert.match(runs(runtime), /chown 10001:10001 \/data/);
});

test('ENTRYPOINT ["confluent-sd"] runs dist/cli.js through a wrapper on PATH; CMD serve', () => {
  assert.equal(JSON.parse(all(runtime, 'ENTRYPOINT').at(-1)?.args ?? 'null'), ['confluent-sd']);
  assert.equal(JSON.parse(all(runtime, 'CMD').at(-1)?.args ?? 'null'), ['serve']);
  assert.is(pkg.bin['confluent-sd'], 'dist/cli.js');
  // A symlink would not do: cli.js only runs main() when process.argv[1] is its own path.
  const script = runs(runtime);
  assert.match(script, /' > \/usr\/local\/bin\/confluent-sd/);
  assert.match(script, /chmod 755 \/usr\/local\/bin\/confluent-sd/);
});

test('the wrapper runs dist/cli.js with the arguments given, and `serve` with SERVE_NODE_FLAGS', () => {
  // the printf of the RUN line, run as the image's /bin/sh would, with a `node` on PATH that prints its argv
  const format = /printf '([^']*)' > \/usr\/local\/bin\/confluent-sd/.exec(runs(runtime))?.[1];
  assert.ok(format, 'the wrapper is written with printf');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'confluent-sd-wrapper-'));
  try {
    const wrapper = path.join(dir, 'confluent-sd');
    writeFileSync(wrapper, execFileSync('sh', ['-c', `printf '${format}'`]));
    writeFileSync(path.join(dir, 'node'), '#!/bin/sh\nprintf "%s|" "$@"\n', { mode: 0o755 });
    const argv = (...args: string[]) =>
      execFileSync('sh', [wrapper, ...args], { env: { PATH: `${dir}:/usr/bin:/bin` } }).toString('utf8');
    assert.is(argv('serve'), `${[...SERVE_NODE_FLAGS, '/app/dist/cli.js', 'serve'].join('|')}|`);
    assert.is(argv('publish', '--force', 'a b'), '/app/dist/cli.js|publish|--force|a b|');
    assert.is(argv('history', 'serve'), '/app/dist/cli.js|history|serve|');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('HEALTHCHECK asks /health on the SD_LISTEN port; EXPOSE matches the default port', () => {
  const health = all(runtime, 'HEALTHCHECK');
  assert.is(health.length, 1);
  assert.match(
    health[0]?.args ?? '',
    /^--interval=\S+ --timeout=\S+ --start-period=\S+ --retries=\d+ +CMD node -e /,
  );
  assert.match(health[0]?.args ?? '', /process\.env\.SD_LISTEN\|\|':8080'.*\/health'/);
  const port = parseListen(DEFAULTS.SD_LISTEN, []).port;
  assert.equal(
    all(runtime, 'EXPOSE').map((i) => i.args),
    [String(port)],
  );
});

test('ENV: production mode and a file store on the /data volume; every other name is one the program reads', () => {
  const env = Object.assign({}, ...all(runtime, 'ENV').map((i) => parseEnvArgs(i.args))) as Record<
    string,
    string
  >;
  assert.equal(env, { NODE_ENV: 'production', SD_STORE: 'file:/data' });
  const known = new Set<string>([...ENV_VARIABLES, 'NODE_ENV']);
  assert.equal(
    Object.keys(env).filter((k) => !known.has(k)),
    [],
  );
  assert.equal(
    all(runtime, 'VOLUME').map((i) => i.args),
    ['["/data"]'],
  );
});

test('.dockerignore keeps local builds, data and dependencies out of the context', () => {
  const ignored = readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  for (const entry of ['.git', 'node_modules', 'dist', 'data', '.tmp']) {
    assert.ok(ignored.includes(entry), `.dockerignore lists ${entry}`);
  }
  // What the build stage needs must stay in the context.
  for (const needed of ['src', 'openapi', 'scripts', 'Makefile', 'package.json', 'package-lock.json']) {
    assert.not.ok(ignored.includes(needed), `.dockerignore keeps ${needed}`);
    assert.ok(existsSync(path.join(ROOT, needed)), `${needed} exists`);
  }
});

test.run();
