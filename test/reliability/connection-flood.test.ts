/**
 * `confluent-sd serve` under a flood of half-open connections, as its own process with an open-file limit of
 * 1,024 (`ulimit -n`): 2,000 sockets from one address, then 2,000 from 40 addresses (50 each), half of them
 * sending a request line without ever finishing its headers, the other half nothing. During each flood the
 * probes (`/health`, `/ready`) and Prometheus (`/sd/<name>.json`) are asked on new connections from another
 * address: every answer must be a 200, and the server must never run out of file descriptors.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { documentName } from '../../src/bucket/document-name.js';
import { createFileStore } from '../../src/store/file-store.js';
import { publishFakeRun } from '../helpers/bucket.js';
import { findFreePort, waitFor } from '../helpers/poll.js';
import { REPO } from '../helpers/publish-child.js';
import { printTable } from '../helpers/reliability.js';

const TOKEN = 'flood-token-0123456789abcdef';
const COMBINATION = { targets: ['api.telemetry.confluent.cloud'], prefix: '' };
const DOC = documentName(COMBINATION);
const OPEN_FILES = 1024;
const SOCKETS = 2000;
const PROBE_ROUNDS = 5;
const PROBE_TIMEOUT_MS = 3000;

interface Probe {
  path: string;
  status: number | string;
  ms: number;
}

/** One GET on a new connection (as a kubelet probe makes it), from 127.0.0.1. */
function probe(port: number, urlPath: string): Promise<Probe> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (status: number | string) =>
      resolve({ path: urlPath, status, ms: Math.round(performance.now() - started) });
    const req = http.get(
      {
        host: '127.0.0.1',
        localAddress: '127.0.0.1',
        port,
        path: urlPath,
        agent: false,
        headers: { authorization: `Bearer ${TOKEN}` },
        timeout: PROBE_TIMEOUT_MS,
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
        res.on('error', (err) => done(err.message));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => done((err as NodeJS.ErrnoException).code ?? err.message));
  });
}

interface Flood {
  sockets: net.Socket[];
  /** Sockets the server closed (refused, evicted or timed out). */
  closedByServer: () => number;
  /** Sockets that reached `connect` (or failed) by the time the flood was up. */
  settled: number;
}

/** `count` connections spread over `addresses`; the even ones send a request line and one header, no more. */
async function startFlood(port: number, addresses: string[], count: number): Promise<Flood> {
  const sockets: net.Socket[] = [];
  let closed = 0;
  let settled = 0;
  const waits: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const socket = net.connect({ host: '127.0.0.1', port, localAddress: addresses[i % addresses.length]! });
    sockets.push(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (!closedByUs.has(socket)) closed += 1;
    });
    waits.push(
      new Promise<void>((resolve) => {
        let once = false;
        const settle = () => {
          if (!once) settled += 1;
          once = true;
          resolve();
        };
        socket.once('connect', () => {
          if (i % 2 === 0) socket.write('GET /sd HTTP/1.1\r\nHost: flood\r\n');
          settle();
        });
        socket.once('error', settle);
      }),
    );
  }
  // a SYN beyond the listen backlog is retried by the kernel after 1 s, 3 s…: wait a while, not for each
  await Promise.race([Promise.all(waits), new Promise((r) => setTimeout(r, 8000))]);
  return { sockets, closedByServer: () => closed, settled };
}

const closedByUs = new WeakSet<net.Socket>();

function endFlood(flood: Flood | undefined): void {
  for (const s of flood?.sockets ?? []) {
    closedByUs.add(s);
    s.destroy();
  }
}

async function metricsOf(port: number): Promise<Record<string, number>> {
  // a server that cannot answer has no figures to give: the probes' failures say why
  const text = await new Promise<string>((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: '/metrics', agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      })
      .on('error', () => resolve(''));
  });
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(confluent_sd_connections_\w+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (m) out[m[1]!] = Number(m[2]);
  }
  return out;
}

function startServer(dir: string, port: number): { child: ChildProcess; stderr: () => string } {
  // the limit applies to the server alone; the test process keeps its own
  const child = spawn(
    'sh',
    [
      '-c',
      `ulimit -n ${OPEN_FILES} && exec "$@"`,
      'sh',
      process.execPath,
      '--import',
      'tsx',
      'src/cli.ts',
      'serve',
    ],
    {
      cwd: REPO,
      env: {
        PATH: process.env.PATH ?? '',
        SD_STORE: `file:${dir}`,
        SD_LISTEN: `127.0.0.1:${port}`,
        SD_BEARER_TOKENS: TOKEN,
        SD_RATE_LIMIT: '0',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const chunks: Buffer[] = [];
  child.stderr?.on('data', (c: Buffer) => chunks.push(c));
  return { child, stderr: () => Buffer.concat(chunks).toString('utf8') };
}

test('a flood of half-open connections: probes and Prometheus are still answered', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sd-flood-'));
  const rows: string[][] = [];
  let server: ReturnType<typeof startServer> | undefined;
  let flood: Flood | undefined;
  try {
    await publishFakeRun(createFileStore(dir), { runId: '20260101T120000Z', combinations: [COMBINATION] });
    const port = await findFreePort();
    server = startServer(dir, port);
    await waitFor(async () => (await probe(port, '/ready')).status === 200, '/ready 200', 20_000, 100);

    const floods: [string, string[]][] = [
      ['2,000 sockets from one address', ['127.0.0.2']],
      ['2,000 sockets from 40 addresses', Array.from({ length: 40 }, (_, i) => `127.0.0.${10 + i}`)],
    ];
    const failures: string[] = [];
    for (const [name, addresses] of floods) {
      flood = await startFlood(port, addresses, SOCKETS);
      const probes: Probe[] = [];
      for (let round = 0; round < PROBE_ROUNDS; round++) {
        for (const p of ['/health', '/ready', `/sd/${DOC}.json`]) probes.push(await probe(port, p));
      }
      const open = SOCKETS - flood.closedByServer();
      const metrics = await metricsOf(port);
      for (const p of probes) if (p.status !== 200) failures.push(`${name}: ${p.path} → ${p.status}`);
      rows.push([
        name,
        String(flood.settled),
        String(open),
        String(metrics.confluent_sd_connections_open ?? '–'),
        String(metrics['confluent_sd_connections_refused_total{reason="per_client"}'] ?? '–'),
        String(metrics['confluent_sd_connections_refused_total{reason="total"}'] ?? '–'),
        String(metrics.confluent_sd_connections_evicted_total ?? '–'),
        `${probes.filter((p) => p.status === 200).length}/${probes.length}`,
        `${Math.max(...probes.map((p) => p.ms))} ms`,
      ]);
      endFlood(flood);
      flood = undefined;
    }
    const emfile = (server.stderr().match(/EMFILE/g) ?? []).length;
    const cap = /"maxConnections":(\d+)/.exec(server.stderr())?.[1] ?? 'SD_MAX_CONNECTIONS';
    printTable(
      process.stdout,
      `A flood of half-open connections against serve (ulimit -n ${OPEN_FILES}, so at most ${cap} connections, 64 per client); probes on new connections from 127.0.0.1 (counters are totals so far):`,
      [
        'flood',
        'connected',
        'open (client side)',
        'open (server side)',
        'refused (per client)',
        'refused (total)',
        'evicted',
        'probes answered 200',
        'slowest probe',
      ],
      rows,
    );
    assert.equal(failures, [], 'every probe answered 200');
    assert.is(emfile, 0, 'EMFILE in the server log');
    assert.is(server.child.exitCode, null, 'the server is still running');
  } finally {
    endFlood(flood);
    if (server && server.child.exitCode === null) {
      const exited = new Promise((r) => server?.child.once('exit', r));
      server.child.kill('SIGKILL');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
