/**
 * `confluent-sd demo` in-process: a port that is taken stops it before anything is published, with an error that
 * names the port and the flag that moves it; the simulator's port is fixed by default, so two runs print the same
 * document name and the same Prometheus config.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_SIM_PORT, demoCommand } from '../../src/demo.js';
import { createSilentLogger } from '../../src/log.js';
import { findFreePort, waitFor } from '../helpers/poll.js';
import { runCommand, startCommand } from '../helpers/run-command.js';

function listenOn(port: number): Promise<Server> {
  const server = createServer();
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const close = (server: Server) => new Promise((r) => server.close(r));

test('the simulator port is fixed by default (8090), so the document name stays the same across runs', () => {
  assert.is(DEFAULT_SIM_PORT, 8090);
  assert.equal(
    [demoCommand.parseArgs([]), demoCommand.parseArgs([])].map((a) => (a as { simPort: number }).simPort),
    [8090, 8090],
  );
  assert.match(demoCommand.help, /--sim-port N +the simulator's port on 127\.0\.0\.1 \(default 8090\)/);
});

for (const [flag, what] of [
  ['--port', 'the server'],
  ['--sim-port', 'the simulator'],
] as const) {
  test(`a taken ${flag} stops the demo before it publishes, naming the port and ${flag}`, async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'confluent-sd-demo-'));
    const taken = await listenOn(0);
    const port = (taken.address() as { port: number }).port;
    const other =
      flag === '--port'
        ? ['--sim-port', String(await findFreePort())]
        : ['--port', String(await findFreePort())];
    try {
      const r = await runCommand(
        demoCommand,
        [flag, String(port), ...other, '--data', path.join(dir, 'data')],
        {},
      );
      assert.equal([r.code, r.stdout], [2, '']);
      assert.is(
        r.stderr,
        `confluent-sd test: USAGE: port ${port} on 127.0.0.1 (${what}) is in use: stop what listens there, or ` +
          `choose another port with ${flag} N (make demo DEMO_FLAGS="${flag} N"): listen EADDRINUSE: address ` +
          `already in use 127.0.0.1:${port}\n`,
      );
      assert.not.ok(existsSync(path.join(dir, 'data')), 'nothing published');
    } finally {
      await close(taken);
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('--port and --sim-port must differ', async () => {
  const r = await runCommand(demoCommand, ['--port', '9999', '--sim-port', '9999'], {});
  assert.equal([r.code, r.stderr], [2, 'confluent-sd test: USAGE: --port and --sim-port must differ\n']);
});

/** One demo run until its instructions are printed, then Ctrl-C; resolves with what it printed. */
async function runDemoOnce(argv: string[]): Promise<string> {
  const controller = new AbortController();
  const out: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const run = startCommand(demoCommand, {
    argv,
    env: {},
    cwd: process.cwd(),
    stdout,
    stderr: new PassThrough(),
    signal: controller.signal,
    log: createSilentLogger(),
  });
  try {
    await waitFor(
      () => Buffer.concat(out).toString().includes('Ctrl-C stops the demo.'),
      'the instructions',
      20_000,
    );
  } finally {
    controller.abort();
    assert.is(await run, 0);
  }
  return Buffer.concat(out).toString();
}

test('two runs on the same simulator port print the same document URL and Prometheus config', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'confluent-sd-demo-'));
  try {
    const [port, simPort] = [await findFreePort(), await findFreePort()];
    const argv = ['--port', String(port), '--sim-port', String(simPort), '--token', 'demo-token-0123456789'];
    const first = await runDemoOnce([...argv, '--data', path.join(dir, 'a')]);
    const second = await runDemoOnce([...argv, '--data', path.join(dir, 'b')]);
    const urls = (text: string) => text.match(/http:\/\/127\.0\.0\.1:\d+\/sd\/\S+\.json/g);
    assert.equal(urls(first), [
      `http://127.0.0.1:${port}/sd/confluent--127.0.0.1-${simPort}.json`,
      `http://127.0.0.1:${port}/sd/confluent--127.0.0.1-${simPort}.json`,
    ]);
    assert.equal(urls(second), urls(first));
    const config = (text: string) => text.slice(text.indexOf('prometheus.yml'));
    assert.is(config(second), config(first));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
