/** `confluent-sd simulate` run in-process: it prints where it listens, serves, and stops when the signal aborts. */
import { PassThrough } from 'node:stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSilentLogger } from '../../src/log.js';
import { simulateCommand } from '../../src/simulator/command.js';
import { waitFor } from '../helpers/poll.js';
import { startCommand } from '../helpers/run-command.js';

const AUTH = { authorization: `Basic ${Buffer.from('sim-key:sim-secret').toString('base64')}` };

function capture() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { stream, text: () => text };
}

test('simulate --seed 7 --port 0 prints its URL and an org summary, serves, and exits 0 on abort', async () => {
  const stdout = capture();
  const stderr = capture();
  const controller = new AbortController();
  const run = startCommand(simulateCommand, {
    argv: ['--seed', '7', '--port', '0'],
    env: {},
    cwd: process.cwd(),
    stdout: stdout.stream,
    stderr: stderr.stream,
    signal: controller.signal,
    log: createSilentLogger(),
  });
  let code: number | undefined;
  try {
    const url = await waitFor(
      () => /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout.text())?.[1],
      'the listening line',
    );
    const summary = await waitFor(
      () => /^organisation seed 7: .*$/m.exec(stdout.text())?.[0],
      'the organisation summary',
    );
    assert.match(
      summary,
      /: 3 environments, 6 kafka, \d schema_registry, 3 ksql, 3 compute_pool, 12 connector, 3 custom_connector \(\d+ resources\)$/,
    );
    const res = await fetch(`${url}/org/v2/environments?page_size=2`, { headers: AUTH });
    const body = (await res.json()) as { metadata: { next?: string } };
    assert.is(res.status, 200);
    assert.ok(body.metadata.next?.startsWith(`${url}/org/v2/environments?page_token=`));
  } finally {
    controller.abort();
    code = await run;
  }
  assert.is(code, 0);
  assert.is(stderr.text(), '');
});

test('simulate --metrics-limits 2026 --time-scale 60 says so and enforces them', async () => {
  const stdout = capture();
  const controller = new AbortController();
  const run = startCommand(simulateCommand, {
    argv: ['--port', '0', '--metrics-limits', '2026', '--time-scale', '60'],
    env: {},
    cwd: process.cwd(),
    stdout: stdout.stream,
    stderr: stdout.stream,
    signal: controller.signal,
    log: createSilentLogger(),
  });
  try {
    const url = await waitFor(
      () => /^listening on (http:\/\/127\.0\.0\.1:\d+)$/m.exec(stdout.text())?.[1],
      'the listening line',
    );
    await waitFor(() => stdout.text().includes('metrics limits 2026, time scale 60\n'), 'the limits line');
    const config = (await (await fetch(`${url}/_sim/config`, { headers: AUTH })).json()) as Record<
      string,
      unknown
    >;
    assert.equal([config.metricsLimits, config.timeScale], ['2026', 60]);
    const res = await fetch(`${url}/v2/metrics/cloud/descriptors/resources`, { headers: AUTH });
    assert.is(res.headers.get('ratelimit-limit'), '300');
  } finally {
    controller.abort();
    assert.is(await run, 0);
  }
});

test('bad flags are a USAGE error before anything listens', async () => {
  const out = capture();
  try {
    await startCommand(simulateCommand, {
      argv: ['--fault-rate', '2'],
      env: {},
      cwd: process.cwd(),
      stdout: out.stream,
      stderr: out.stream,
      signal: new AbortController().signal,
      log: createSilentLogger(),
    });
    assert.unreachable('should throw');
  } catch (err) {
    assert.is((err as { code?: string }).code, 'USAGE');
  }
  assert.is(out.text(), '');
});

test.run();
