/**
 * The server under load while publishes switch its documents: `confluent-sd serve` (compiled, its own process)
 * on a file store, 200 keep-alive connections for 30 s asking for the documents by name, by query and from the
 * auditors' latest/ tree, while a new run is published every few seconds. Checks every answer: no 5xx, no
 * dropped connection, and every 200 body is byte-for-byte one run's document (its sha256 is in that run's
 * manifest), so a torn or mixed document would show. Prints figures and the server's memory over time; exits
 * 1 only when a correctness check fails, never on a timing.
 *
 *   node --import tsx test/bench/serve-load.ts [--duration 30] [--connections 200] [--switch-every 2]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { canonicalJson } from '../../src/bucket/canonical.js';
import { documentName } from '../../src/bucket/document-name.js';
import { KEYS } from '../../src/bucket/keys.js';
import { createFileStore } from '../../src/store/file-store.js';
import { buildFakeRun, publishFakeRun } from '../helpers/bucket.js';
import { treeMemory } from '../helpers/process-tree.js';
import { buildBenchDist } from '../helpers/publish-child.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '30' },
    connections: { type: 'string', default: '200' },
    'switch-every': { type: 'string', default: '2' },
    groups: { type: 'string', default: '300' },
  },
});
const DURATION_MS = Number(args.duration) * 1000;
const CONNECTIONS = Number(args.connections);
const SWITCH_MS = Number(args['switch-every']) * 1000;
const GROUPS = Number(args.groups);
const TOKEN = 'bench-token-0123456789abcdef';
const COMBINATIONS = [
  { targets: ['api.telemetry.confluent.cloud'], prefix: 'confluent_' },
  { targets: ['api.telemetry.confluent.cloud'], prefix: '' },
];
const MANIFEST = '(manifest)';
const out = (line = '') => process.stdout.write(`${line}\n`);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function serverEntry(dist: string): string {
  return `
import { main } from ${JSON.stringify(pathToFileURL(path.join(dist, 'cli.js')).href)};
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort(new Error('received SIGTERM')));
process.exitCode = await main({ argv: ['serve'], env: process.env, cwd: process.cwd(),
  stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
`;
}

interface Answer {
  status: number;
  body: Buffer;
  error?: string;
}

function get(agent: http.Agent, port: number, urlPath: string): Promise<Answer> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: urlPath, agent, headers: { authorization: `Bearer ${TOKEN}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', (err) => resolve({ status: 0, body: Buffer.alloc(0), error: err.message }));
      },
    );
    req.on('error', (err) => resolve({ status: 0, body: Buffer.alloc(0), error: err.message }));
  });
}

async function waitReady(agent: http.Agent, port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await get(agent, port, '/ready')).status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not become ready within 30 s');
}

function runIdAt(i: number): string {
  const d = new Date(Date.UTC(2026, 0, 1, 12, 0, 0) + i * 60_000);
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

async function main(): Promise<number> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-serve-load-'));
  const bucket = path.join(work, 'bucket');
  const store = createFileStore(bucket);
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let server: ChildProcess | undefined;
  try {
    // every body any run published: `${name}\n${sha256}` → runId; manifests by runId
    const valid = new Map<string, string>();
    const runIds = new Set<string>();
    const bodies: { name: string; runId: string; body: Buffer }[] = [];
    let truncated = 0;
    const tornPaths = new Set<string>();
    /** What a body that matches no run is made of, for the problem list. */
    const diagnose = (name: string, body: Buffer): string => {
      const parts = bodies
        .filter((b) => b.name === name)
        .map((b) => {
          const n = Math.min(b.body.length, body.length);
          let same = 0;
          while (same < n && b.body[same] === body[same]) same++;
          return { runId: b.runId, same, length: b.body.length };
        })
        .sort((a, b) => b.same - a.same);
      const best = parts[0];
      if (!best) return 'no run published this document';
      if (best.same === body.length && body.length < best.length) truncated++;
      return `${body.length} bytes; its first ${best.same} bytes are run ${best.runId}'s document of ${best.length} bytes`;
    };
    let runs = 0;
    const publish = async () => {
      const runId = runIdAt(runs);
      const run = {
        runId,
        combinations: COMBINATIONS,
        groups: GROUPS + (runs % 7),
        previousRunId: runs === 0 ? null : runIdAt(runs - 1),
      };
      // known before the first byte is written: the server may answer with it at once
      const built = buildFakeRun(run);
      for (const [name, entry] of Object.entries(built.manifest.documents))
        valid.set(`${name}\n${entry.sha256}`, runId);
      for (const [name, body] of built.bodies) bodies.push({ name, runId, body });
      bodies.push({ name: MANIFEST, runId, body: Buffer.from(canonicalJson(built.manifest)) });
      runIds.add(runId);
      await publishFakeRun(store, run);
      runs++;
    };
    await publish();

    const dist = buildBenchDist();
    const port = await freePort();
    server = spawn(process.execPath, ['--input-type=module', '-e', serverEntry(dist)], {
      env: {
        ...process.env,
        SD_STORE: `file:${bucket}`,
        SD_LISTEN: `127.0.0.1:${port}`,
        SD_BEARER_TOKENS: TOKEN,
        SD_RATE_LIMIT: '0',
        // one client with more connections than the per-client cap allows
        SD_MAX_CONNECTIONS_PER_CLIENT: '0',
        SD_RELOAD_INTERVAL_MS: '250',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    await waitReady(agent, port);
    const pid = server.pid!;

    const names = COMBINATIONS.map((c) => documentName(c));
    const paths: { path: string; name: string | null }[] = [
      ...names.map((name) => ({ path: `/sd/${name}.json`, name })),
      ...COMBINATIONS.map((c, i) => ({
        path: `/discovery?targets=${c.targets.join(',')}&prefix=${c.prefix}`,
        name: names[i]!,
      })),
      ...names.map((name) => ({ path: `/${KEYS.latestDocument(name)}`, name })),
      { path: `/${KEYS.latestManifest}`, name: null },
    ];

    const counts = { requests: 0, ok: 0, status5xx: 0, otherStatus: 0, dropped: 0, torn: 0, bytes: 0 };
    const servedRuns = new Set<string>();
    const problems: string[] = [];
    const latencies: number[] = [];
    const memory: { t: number; rss: number }[] = [];
    const started = Date.now();
    const deadline = started + DURATION_MS;

    const sampler = setInterval(() => {
      // the server and its cluster workers (SD_WORKERS)
      memory.push({ t: (Date.now() - started) / 1000, rss: treeMemory(pid).rssMb });
    }, 1000);
    const switcher = (async () => {
      while (Date.now() + SWITCH_MS < deadline) {
        await new Promise((r) => setTimeout(r, SWITCH_MS));
        await publish();
      }
    })();

    let k = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (Date.now() < deadline) {
          const target = paths[k++ % paths.length]!;
          const t0 = performance.now();
          const a = await get(agent, port, target.path);
          latencies.push(performance.now() - t0);
          counts.requests++;
          if (a.error) {
            counts.dropped++;
            if (problems.length < 10) problems.push(`${target.path}: ${a.error}`);
            continue;
          }
          if (a.status >= 500) {
            counts.status5xx++;
            if (problems.length < 10)
              problems.push(`${target.path}: HTTP ${a.status} ${a.body.toString().slice(0, 100)}`);
            continue;
          }
          if (a.status !== 200) {
            counts.otherStatus++;
            if (problems.length < 10) problems.push(`${target.path}: HTTP ${a.status}`);
            continue;
          }
          counts.ok++;
          counts.bytes += a.body.length;
          let runId: string | undefined;
          if (target.name === null) {
            try {
              runId = (JSON.parse(a.body.toString('utf8')) as { runId?: string }).runId;
              if (runId && !runIds.has(runId)) runId = undefined;
            } catch {
              runId = undefined;
            }
          } else {
            runId = valid.get(`${target.name}\n${sha256(a.body)}`);
            // a body that is no run's document: torn, mixed or corrupted
            if (runId) JSON.parse(a.body.toString('utf8'));
          }
          if (runId === undefined) {
            counts.torn++;
            tornPaths.add(target.path.split('/')[1] ?? '');
            const what = diagnose(target.name ?? MANIFEST, a.body);
            if (problems.length < 10)
              problems.push(`${target.path}: body matches no published run (${what})`);
          } else servedRuns.add(runId);
        }
      }),
    );
    clearInterval(sampler);
    await switcher;
    const seconds = (Date.now() - started) / 1000;
    const peak = Math.max(...memory.map((m) => m.rss));

    latencies.sort((a, b) => a - b);
    const q = (p: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
    const firstRss = memory.slice(2, 7);
    const lastRss = memory.slice(-5);
    const avg = (xs: { rss: number }[]) => xs.reduce((n, x) => n + x.rss, 0) / Math.max(1, xs.length);
    const growth = (avg(lastRss) - avg(firstRss)) / avg(firstRss);

    out(
      `${CONNECTIONS} keep-alive connections for ${seconds.toFixed(0)} s; a new run (2 documents of ~${GROUPS.toLocaleString('en-US')} groups) published every ${SWITCH_MS / 1000} s; requests cycle through /sd/<name>.json, /discovery?…, /latest/<name>.json and /latest/manifest.json; the server reloads every 250 ms; ${os.cpus().length} CPUs shared by server and client.`,
    );
    out();
    out('| check | result | |');
    out('|---|---|---|');
    const check = (name: string, value: string, ok: boolean) =>
      out(`| ${name} | ${value} | ${ok ? 'ok' : '**FAILED**'} |`);
    check('5xx answers', String(counts.status5xx), counts.status5xx === 0);
    check('dropped connections / request errors', String(counts.dropped), counts.dropped === 0);
    check('other non-200 answers', String(counts.otherStatus), counts.otherStatus === 0);
    check(
      "torn or mixed documents (body sha256 in no run's manifest)",
      String(counts.torn),
      counts.torn === 0,
    );
    check(
      'runs published / runs seen in answers (the last may land after the end)',
      `${runs} / ${servedRuns.size}`,
      servedRuns.size >= runs - 1,
    );
    out();
    out(
      '| requests | requests/s | MB/s | p50 ms | p99 ms | max ms | server RSS start → end (peak) | RSS growth |',
    );
    out('|---:|---:|---:|---:|---:|---:|---|---:|');
    out(
      `| ${counts.requests.toLocaleString('en-US')} | ${Math.round(counts.requests / seconds).toLocaleString('en-US')} | ${(counts.bytes / seconds / 2 ** 20).toFixed(0)} | ${q(0.5).toFixed(1)} | ${q(0.99).toFixed(1)} | ${(latencies.at(-1) ?? 0).toFixed(0)} | ${avg(firstRss).toFixed(0)} → ${avg(lastRss).toFixed(0)} MB (${peak.toFixed(0)} MB) | ${(growth * 100).toFixed(0)} % |`,
    );
    out();
    out(
      `Server RSS per 5 s: ${memory
        .filter((_, i) => i % 5 === 0)
        .map((m) => `${m.rss.toFixed(0)}`)
        .join(', ')} MB`,
    );
    if (problems.length > 0) {
      out();
      out('First problems:');
      for (const p of problems) out(`- ${p}`);
    }
    if (counts.torn > 0 && truncated === counts.torn && [...tornPaths].every((p) => p === 'latest')) {
      out();
      out(
        '**Diagnosis:** every torn body is a published document cut to the length of the file it replaced, and only ' +
          "files under `/latest/` (the auditors' tree) are affected; `/sd/` and `/discovery` are served from memory. The " +
          "file store's objects are sent with @fastify/static, which reads the length from a `stat` of the path and then " +
          'opens the path again: a publish that renames a new copy over the file in between sends the new bytes with the ' +
          'old length. **Remedy** (src/serve/bucket-routes.ts): send file-store objects through `Store.getStream` as for ' +
          'S3 — the file store opens one handle and takes the length from that handle, so a rename cannot split them.',
      );
    }
    const ok =
      counts.status5xx === 0 && counts.dropped === 0 && counts.otherStatus === 0 && counts.torn === 0;
    return ok ? 0 : 1;
  } finally {
    agent.destroy();
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((r) => server?.once('exit', r));
    }
    await rm(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
