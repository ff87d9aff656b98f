/**
 * Auditors reading the bucket tree of a `file:` store over real sockets while the store changes under them:
 * `prune` removing snapshots while eight clients read their files and listings (a vanished file is a 404, never
 * a 5xx, and a 200 is always the whole file), and symbolic links planted in the store pointing at /etc/passwd and
 * at a directory outside it (never followed: 404).
 */
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { pruneCommand } from '../../src/audit/prune-command.js';
import { KEYS } from '../../src/bucket/keys.js';
import { createRandom } from '../../src/simulator/random.js';
import { publishFakeRun, sha256Hex } from '../helpers/bucket.js';
import { printTable } from '../helpers/reliability.js';
import { runCommand } from '../helpers/run-command.js';
import { AUTH, createServeFixture, type ServeFixture } from '../helpers/serve-app.js';

const COMBINATIONS = [
  { targets: ['api.telemetry.confluent.cloud'], prefix: '' },
  { targets: ['api.telemetry.confluent.cloud'], prefix: 'confluent_' },
];
const DOCS = ['noprefix--api.telemetry.confluent.cloud', 'confluent--api.telemetry.confluent.cloud'];
const RUNS_PER_ROUND = 80;
const ROUNDS = 3;
const READERS = 8;

interface Ctx {
  f: ServeFixture;
  port: number;
  rows: string[][];
}

const t = suite<Ctx>('bucket reads while the store changes');

t.before(async (ctx) => {
  ctx.f = await createServeFixture();
  await ctx.f.app.listen({ host: '127.0.0.1', port: 0 });
  ctx.port = (ctx.f.app.server.address() as AddressInfo).port;
  ctx.rows = [];
});

t.after(async (ctx) => {
  await ctx.f?.close();
  printTable(
    process.stdout,
    `Auditors' reads (${READERS} clients, keep-alive) while prune removes snapshots of a file store:`,
    ['round', 'snapshots pruned', 'requests', '200', '404', '5xx', 'other'],
    ctx.rows ?? [],
  );
});

function get(agent: http.Agent, port: number, urlPath: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, agent, headers: AUTH }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

t('prune during auditor reads: a vanished file is a 404, a 200 is the whole file', async (ctx) => {
  const rand = createRandom(14);
  const problems: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    // runs of a day each, long ago, so that prune --keep-days 0 removes all but the latest
    const sha = new Map<string, string>();
    const runs: string[] = [];
    let previous: string | null = null;
    for (let i = 0; i < RUNS_PER_ROUND; i++) {
      const runId = `${new Date(Date.UTC(2010 + round, 0, 1 + i)).toISOString().slice(0, 10).replace(/-/g, '')}T000000Z`;
      const run = await publishFakeRun(ctx.f.writer, {
        runId,
        previousRunId: previous,
        combinations: COMBINATIONS,
        groups: 300,
      });
      for (const [name, body] of run.bodies) sha.set(KEYS.snapshotDocument(runId, name), sha256Hex(body));
      runs.push(runId);
      previous = runId;
    }
    const urls = runs.flatMap((r) => [
      ...DOCS.map((d) => `/${KEYS.snapshotDocument(r, d)}`),
      `/${KEYS.snapshotManifest(r)}`,
      `/${KEYS.snapshotPrefix(r)}`,
    ]);
    urls.push('/snapshots/');
    const counts = { requests: 0, ok: 0, notFound: 0, server: 0, other: 0 };
    let pruning = true;
    const agent = new http.Agent({ keepAlive: true, maxSockets: READERS });
    const reader = async () => {
      while (pruning) {
        const url = urls[rand.int(0, urls.length - 1)]!;
        const r = await get(agent, ctx.port, url);
        counts.requests += 1;
        if (r.status === 200) {
          counts.ok += 1;
          const want = sha.get(url.slice(1));
          if (want && sha256Hex(r.body) !== want)
            problems.push(`${url}: a 200 of ${r.body.length} bytes, not the file`);
        } else if (r.status === 404) counts.notFound += 1;
        else if (r.status >= 500) {
          counts.server += 1;
          problems.push(`${url}: ${r.status} ${r.body.toString('utf8')}`);
        } else counts.other += 1;
      }
    };
    const readers = Array.from({ length: READERS }, reader);
    try {
      const pruned = await runCommand(pruneCommand, ['--keep-days', '0', '--json'], {
        SD_STORE: `file:${ctx.f.dir}`,
        LOG_LEVEL: 'warn',
      });
      assert.is(pruned.code, 0, pruned.stderr);
      const removed = (JSON.parse(pruned.stdout) as { remove: unknown[] }).remove.length;
      pruning = false;
      await Promise.all(readers);
      ctx.rows.push([
        String(round),
        String(removed),
        String(counts.requests),
        String(counts.ok),
        String(counts.notFound),
        String(counts.server),
        String(counts.other),
      ]);
    } finally {
      pruning = false;
      await Promise.allSettled(readers);
      agent.destroy();
    }
  }
  assert.equal(problems.slice(0, 10), []);
});

t('symbolic links in the store are never followed out of it', async (ctx) => {
  const { f, port } = ctx;
  const outside = await mkdtemp(path.join(os.tmpdir(), 'sd-outside-'));
  const run = '20300101T000000Z';
  const linkedRun = '20300102T000000Z';
  const agent = new http.Agent({ keepAlive: false });
  try {
    await publishFakeRun(f.writer, { runId: run, combinations: COMBINATIONS });
    await writeFile(path.join(outside, 'x.json'), '{"outside":"the store"}\n');
    await symlink('/etc/passwd', path.join(f.dir, 'latest', 'evil.json'));
    await symlink('/etc/passwd', path.join(f.dir, 'snapshots', run, 'evil.json'));
    await rm(path.join(f.dir, 'status.json'));
    await symlink('/etc/passwd', path.join(f.dir, 'status.json'));
    await symlink(outside, path.join(f.dir, 'snapshots', linkedRun));
    const rows: string[][] = [];
    for (const url of [
      '/latest/evil.json',
      `/snapshots/${run}/evil.json`,
      '/status.json',
      `/snapshots/${linkedRun}/x.json`,
    ]) {
      const r = await get(agent, port, url);
      rows.push([url, String(r.status)]);
      assert.is(r.status, 404, url);
      assert.not.match(r.body.toString('utf8'), /root:|outside/, url);
    }
    const runs = JSON.parse((await get(agent, port, '/snapshots/')).body.toString('utf8')) as {
      runs: string[];
    };
    assert.not.ok(runs.runs.includes(linkedRun), 'a linked folder is not listed');
    printTable(
      process.stdout,
      'Links to /etc/passwd and to a directory outside the store:',
      ['request', 'status'],
      rows,
    );
  } finally {
    agent.destroy();
    await rm(outside, { recursive: true, force: true });
  }
});

t.run();
