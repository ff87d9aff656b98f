/**
 * `confluent-sd serve` with SD_WORKERS=2, as its own process: two workers answer, the primary loads each document
 * set once and every worker serves it; `/metrics` counts every worker's answers once and the document gauges once;
 * a switch reaches every worker; SIGTERM stops all of them with exit 0.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createFileStore } from '../../src/store/file-store.js';
import { publishFakeRun } from '../helpers/bucket.js';
import { eventually, findFreePort, waitFor } from '../helpers/poll.js';

const REPO = path.resolve(import.meta.dirname, '../..');
const TOKEN = 'cluster-token-0123456789abcdef';
const COMBINATIONS = [
  { targets: ['api.telemetry.confluent.cloud'], prefix: '' },
  { targets: ['api.telemetry.confluent.cloud'], prefix: 'confluent_' },
];
const DOC = 'noprefix--api.telemetry.confluent.cloud';

/** One request on a connection of its own, so the cluster hands each to a worker in turn. */
function get(port: number, url: string, token = TOKEN): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: url, agent: false, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
  });
}

function metric(text: string, name: string): string | undefined {
  return text
    .split('\n')
    .find((l) => l.startsWith(`${name} `))
    ?.slice(name.length + 1);
}

test('two workers: one load per set, every answer counted once, the switch reaches both', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sd-cluster-'));
  let child: ChildProcess | undefined;
  const lines: Record<string, unknown>[] = [];
  try {
    const store = createFileStore(dir);
    const run1 = await publishFakeRun(store, { runId: '20260101T120000Z', combinations: COMBINATIONS });
    const tokenFile = path.join(dir, 'tokens');
    await writeFile(tokenFile, `${TOKEN}\n`);
    const port = await findFreePort();
    child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
      cwd: REPO,
      env: {
        PATH: process.env.PATH ?? '',
        SD_STORE: `file:${dir}`,
        SD_LISTEN: `127.0.0.1:${port}`,
        SD_BEARER_TOKEN_FILE: tokenFile,
        SD_RATE_LIMIT: '0',
        SD_RELOAD_INTERVAL_MS: '100',
        SD_WORKERS: '2',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let rest = '';
    child.stderr?.on('data', (c: Buffer) => {
      const text = rest + c.toString('utf8');
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      for (const l of parts) if (l.startsWith('{')) lines.push(JSON.parse(l));
    });
    const listening = await waitFor(
      () => lines.find((l) => l.msg === 'server listening'),
      'listening',
      30_000,
    );
    assert.is(listening.workers, 2);
    await eventually(async () => assert.is((await get(port, '/ready')).status, 200), { timeoutMs: 20_000 });
    // each worker read the token file itself; the primary loaded the documents once
    const workers = new Set(lines.filter((l) => l.msg === 'bearer tokens loaded').map((l) => l.worker));
    assert.equal([...workers].filter((w) => w !== undefined).length, 2);
    assert.is(lines.filter((l) => l.msg === 'documents loaded').length, 1);

    for (let i = 0; i < 20; i++) {
      const r = await get(port, `/sd/${DOC}.json`);
      assert.is(r.status, 200);
      assert.ok(r.body.equals(run1.bodies.get(DOC)!));
    }
    assert.is((await get(port, `/sd/${DOC}.json`, 'wrong-token-0123456789abcdef')).status, 401);
    const text = (await get(port, '/metrics')).body.toString('utf8');
    assert.is(
      metric(text, 'confluent_sd_http_requests_total{route="/sd/:file",method="GET",status="200"}'),
      '20',
    );
    assert.is(
      metric(text, 'confluent_sd_http_requests_total{route="/sd/:file",method="GET",status="401"}'),
      '1',
    );
    assert.is(metric(text, 'confluent_sd_documents_loaded'), '2');
    assert.is(metric(text, 'confluent_sd_reloads_total'), '1');

    const run2 = await publishFakeRun(store, { runId: '20260101T130000Z', combinations: COMBINATIONS });
    await eventually(
      async () => {
        for (let i = 0; i < 10; i++)
          assert.ok((await get(port, `/sd/${DOC}.json`)).body.equals(run2.bodies.get(DOC)!));
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );

    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.is(await exited, 0);
    assert.ok(lines.some((l) => l.msg === 'server stopped'));
    child = undefined;
  } finally {
    child?.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
