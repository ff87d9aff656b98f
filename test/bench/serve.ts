/**
 * Serving speed next to nginx, in one run: confluent-sd (`SD_WORKERS=auto`, and `SD_WORKERS=1`) and nginx with
 * `sendfile`, `gzip_static` and the same bearer check in its config, on the same two documents — the 1,000-group one
 * and the large organisation's (200 environments, rendered from the simulator with the CLI's defaults) — plain and
 * with `Accept-Encoding: gzip` (Prometheus asks plain, vmagent gzip). For each: saturation (wrk, 64 connections)
 * and a fixed rate (autocannon's `overallRate`: 2,000 requests/s, half of nginx's saturation or 256 MB/s, the lowest), p50/p99; time from start to ready, and the RSS of the
 * server with every process it started, idle and under load. Prints Markdown; asserts nothing.
 *
 *   node --import tsx test/bench/serve.ts [--duration 10] [--connections 64] [--rate 2000]
 *
 * The server runs as its own process from src/ compiled into .tmp/bench-dist (plain node, no tsx).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';
import { canonicalJson } from '../../src/bucket/canonical.js';
import { documentName } from '../../src/bucket/document-name.js';
import { KEYS } from '../../src/bucket/keys.js';
import { JSON_TYPE } from '../../src/bucket/objects.js';
import { loadParts } from '../../src/config/load.js';
import { createConfigVars } from '../../src/config/vars.js';
import { renderPart } from '../../src/render/config.js';
import { renderAll } from '../../src/render/render.js';
import { resolveWorkers, SERVE_NODE_FLAGS } from '../../src/serve/cluster.js';
import { startSimulator } from '../../src/simulator/server.js';
import { createFileStore } from '../../src/store/file-store.js';
import { buildFakeRun, sha256Hex } from '../helpers/bucket.js';
import { findFreePort } from '../helpers/poll.js';
import { type TreeMemory, treeCpuMs, treeMemory } from '../helpers/process-tree.js';
import { buildBenchDist } from '../helpers/publish-child.js';
import { discoverSimulator } from '../helpers/test-client.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    rate: { type: 'string', default: '2000' },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const RATE = Number(args.rate);
const TOKEN = 'bench-token-0123456789abcdef';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const GZIP = { ...AUTH, 'accept-encoding': 'gzip' };
const SMALL = { targets: ['api.telemetry.confluent.cloud'], prefix: 'confluent_' };
const LARGE = { targets: ['api.telemetry.confluent.cloud'], prefix: '' };
const out = (line = '') => process.stdout.write(`${line}\n`);
const run = promisify(execFile);

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time of the server's processes per answer, in µs (saturation runs only). */
  cpu?: { userUs: number; systemUs: number };
}

interface Server {
  name: string;
  child: ChildProcess;
  /** URL path of a document by name. */
  path: (name: string) => string;
  readyMs: number;
  idle: TreeMemory;
  peak: { rssMb: number; anonMb: number };
}

/** The large organisation's document, rendered with the CLI's defaults (`SD_GROUP_BY=plan`). */
async function renderLargeDocument(): Promise<Buffer> {
  const sim = await startSimulator({
    seed: 42,
    port: 0,
    environments: 200,
    kafkaPerEnv: 10,
    connectorsPerCluster: 5,
    ksqlPerEnv: 2,
    computePoolsPerEnv: 2,
  });
  try {
    const inventory = await discoverSimulator(sim.url);
    const config = loadParts(createConfigVars({}, process.cwd()), { render: renderPart }).render;
    const docs = renderAll(inventory, [LARGE], {
      paramStyle: config.paramStyle,
      groupBy: config.groupBy,
      batchSize: config.batchSize,
      plan: config.plan,
    });
    const body = docs[0]?.body;
    if (body === undefined) throw new Error('render gave no document');
    return Buffer.from(body);
  } finally {
    await sim.close();
  }
}

/** Writes both documents as one run (snapshot, latest/, manifest last), and a `.gz` next to each for nginx. */
async function publishBoth(bucket: string, large: Buffer): Promise<Map<string, Buffer>> {
  const fake = buildFakeRun({ runId: '20260101T120000Z', combinations: [SMALL], groups: 1000 });
  const bodies = new Map(fake.bodies);
  const name = documentName(LARGE);
  bodies.set(name, large);
  const small = fake.manifest.documents[documentName(SMALL)]!;
  fake.manifest.documents[name] = { ...small, prefix: '', sha256: sha256Hex(large), bytes: large.length };
  const store = createFileStore(bucket);
  for (const [n, b] of bodies) await store.put(KEYS.snapshotDocument(fake.manifest.runId, n), b, JSON_TYPE);
  for (const [n, b] of bodies) {
    await store.put(KEYS.latestDocument(n), b, JSON_TYPE);
    await writeFile(path.join(bucket, `${KEYS.latestDocument(n)}.gz`), gzipSync(b, { level: 9 }));
  }
  await store.put(KEYS.latestManifest, canonicalJson(fake.manifest), JSON_TYPE);
  await store.close();
  return bodies;
}

async function waitFor(url: string, headers: Record<string, string>, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited ${child.exitCode}`);
    const ok = await fetch(url, { headers }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGTERM');
  throw new Error(`${url} did not answer 200 within 60 s`);
}

async function started(
  name: string,
  child: ChildProcess,
  readyUrl: string,
  at: number,
  docPath: (n: string) => string,
) {
  await waitFor(readyUrl, AUTH, child);
  const readyMs = performance.now() - at;
  // let start-up garbage settle before the idle figure
  await new Promise((r) => setTimeout(r, 1000));
  const idle = treeMemory(child.pid!);
  return { name, child, path: docPath, readyMs, idle, peak: { ...idle } } satisfies Server;
}

async function startNginx(work: string, bucket: string): Promise<Server> {
  const port = await findFreePort();
  const conf = path.join(work, 'nginx.conf');
  await mkdir(path.join(work, 'nginx-tmp'), { recursive: true });
  await writeFile(
    conf,
    `worker_processes auto;
daemon off;
pid ${work}/nginx.pid;
error_log ${work}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${work}/nginx-tmp/body; proxy_temp_path ${work}/nginx-tmp/proxy;
  fastcgi_temp_path ${work}/nginx-tmp/fastcgi; uwsgi_temp_path ${work}/nginx-tmp/uwsgi; scgi_temp_path ${work}/nginx-tmp/scgi;
  sendfile on; tcp_nopush on; keepalive_requests 1000000;
  gzip_static on; gzip_vary on;
  types { application/json json; }
  server {
    listen 127.0.0.1:${port};
    root ${bucket};
    location / {
      if ($http_authorization != "Bearer ${TOKEN}") { return 401; }
    }
  }
}
`,
  );
  const nginx = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
  if (!nginx) throw new Error('nginx is not installed (scripts/bench.sh installs nginx-light with apt-get)');
  const at = performance.now();
  const child = spawn(nginx, ['-c', conf, '-p', work], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  return started(
    'nginx',
    child,
    `${base}/${KEYS.latestDocument(documentName(SMALL))}`,
    at,
    (n) => `${base}/${KEYS.latestDocument(n)}`,
  );
}

async function startServer(dist: string, bucket: string, workers: string): Promise<Server> {
  const port = await findFreePort();
  const at = performance.now();
  // as the image runs it (Dockerfile: `confluent-sd serve` adds SERVE_NODE_FLAGS)
  const child = spawn(process.execPath, [...SERVE_NODE_FLAGS, path.join(dist, 'cli.js'), 'serve'], {
    env: {
      PATH: process.env.PATH ?? '',
      SD_STORE: `file:${bucket}`,
      SD_LISTEN: `127.0.0.1:${port}`,
      SD_BEARER_TOKENS: TOKEN,
      // the limits are per client IP and the benchmark is one client
      SD_RATE_LIMIT: '0',
      SD_MAX_CONNECTIONS_PER_CLIENT: '0',
      SD_WORKERS: workers,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const base = `http://127.0.0.1:${port}`;
  return started(
    `confluent-sd, SD_WORKERS=${workers}`,
    child,
    `${base}/ready`,
    at,
    (n) => `${base}/sd/${n}.json`,
  );
}

/** Node's own HTTP server on the same bytes (node-ceiling.ts), with as many workers as SD_WORKERS=auto. */
async function startCeiling(work: string, bucket: string, workers: number): Promise<Server> {
  const port = await findFreePort();
  const at = performance.now();
  // plain JavaScript, as the server runs: tsx would add its loader and an esbuild process
  const source = await readFile(path.join(import.meta.dirname, 'node-ceiling.ts'), 'utf8');
  const script = path.join(work, 'node-ceiling.mjs');
  const options = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 };
  await writeFile(script, ts.transpileModule(source, { compilerOptions: options }).outputText);
  const child = spawn(process.execPath, [script], {
    env: {
      PATH: process.env.PATH ?? '',
      BUCKET: bucket,
      PORT: String(port),
      TOKEN,
      WORKERS: String(workers),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const base = `http://127.0.0.1:${port}`;
  const docPath = (n: string) => `${base}/sd/${n}.json`;
  return started(
    `Node's http alone, ${workers} worker${workers > 1 ? 's' : ''}`,
    child,
    docPath(documentName(SMALL)),
    at,
    docPath,
  );
}

/** Samples the server's memory (all its processes) every 200 ms while `work` runs. */
async function sampled<T>(server: Server, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => {
    const now = treeMemory(server.child.pid!);
    server.peak.rssMb = Math.max(server.peak.rssMb, now.rssMb);
    server.peak.anonMb = Math.max(server.peak.anonMb, now.anonMb);
  }, 200);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

async function runWrk(url: string, headers: Record<string, string>, seconds: number): Promise<Figures> {
  const h = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const { stdout: text } = await run('wrk', [
    '-t2',
    `-c${CONNECTIONS}`,
    `-d${seconds}s`,
    '--latency',
    ...h,
    url,
  ]);
  const ms = (label: string) => {
    const m = new RegExp(`^\\s*${label}\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(text);
    if (!m) return Number.NaN;
    const v = Number(m[1]);
    return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
  };
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]);
  const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  return { rps, p50: ms('50%'), p99: ms('99%'), errors };
}

// autocannon ships no types; this is the part of its API the benchmark uses
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  overallRate: number;
  headers: Record<string, string>;
}) => Promise<{
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}>;

async function runFixedRate(url: string, headers: Record<string, string>, rate: number): Promise<Figures> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    overallRate: rate,
    headers,
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.non2xx + r.errors };
}

interface Row {
  doc: string;
  request: string;
  load: string;
  figures: Map<string, Figures>;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));

function printRows(rows: Row[], servers: Server[]): void {
  const [sd, , nginx] = servers.map((s) => s.name);
  out(
    `| document | request | load | server | requests/s | p50 ms | p99 ms | non-2xx | req/s ÷ nginx | p99 ÷ nginx | server CPU µs per answer, user + system |`,
  );
  out('|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const ng = r.figures.get(nginx!);
    for (const [server, f] of r.figures) {
      const ratio = ng && server !== nginx ? `${(f.rps / ng.rps).toFixed(2)}×` : '';
      const p99 = ng && server !== nginx ? `${(f.p99 / ng.p99).toFixed(2)}×` : '';
      const cpu = f.cpu ? `${f.cpu.userUs.toFixed(1)} + ${f.cpu.systemUs.toFixed(1)}` : '';
      out(
        `| ${r.doc} | ${r.request} | ${r.load} | ${server === sd ? `**${server}**` : server} | ${int(f.rps)} | ${ms(f.p50)} | ${ms(f.p99)} | ${f.errors} | ${ratio} | ${p99} | ${cpu} |`,
      );
    }
  }
}

function printTargets(rows: Row[], servers: Server[]): void {
  const [sd, , nginx] = servers;
  const sat = (request: string) =>
    rows.filter((r) => r.load === 'saturation' && r.request === request && r.figures.has(sd!.name));
  const check = (ok: boolean) => (ok ? 'met' : '**missed**');
  out();
  out('| target | measured | |');
  out('|---|---|---|');
  for (const r of sat('plain')) {
    const f = r.figures.get(sd!.name)!;
    const n = r.figures.get(nginx!.name)!;
    out(
      `| plain, ${r.doc}: ≥ 1× nginx req/s, p99 ≤ 1.5× nginx | ${(f.rps / n.rps).toFixed(2)}×, p99 ${(f.p99 / n.p99).toFixed(2)}× | ${check(f.rps >= n.rps && f.p99 <= 1.5 * n.p99)} |`,
    );
  }
  for (const r of sat('gzip')) {
    const f = r.figures.get(sd!.name)!;
    const n = r.figures.get(nginx!.name)!;
    out(
      `| gzip, ${r.doc}: ≥ 0.9× nginx req/s | ${(f.rps / n.rps).toFixed(2)}× | ${check(f.rps >= 0.9 * n.rps)} |`,
    );
  }
  const one = servers[1]!;
  const mem = (s: Server) =>
    `${s.name}: ${s.peak.rssMb.toFixed(0)} MB peak (${s.idle.rssMb.toFixed(0)} MB idle, ${s.idle.processes} process${s.idle.processes > 1 ? 'es' : ''}; ${s.peak.anonMb.toFixed(0)} MB of it anonymous)`;
  out(
    `| RSS of the whole server (all processes) < 100 MB, large organisation loaded | ${mem(sd!)} | ${check(sd!.peak.rssMb < 100)} |`,
  );
  out(`| the same with one process | ${mem(one)} | ${check(one.peak.rssMb < 100)} |`);
}

/** What autocannon, in this process, reads per second on the benchmark's machine, with room to spare. */
const CLIENT_BYTES_PER_S = 256 * 2 ** 20;

async function measureAll(
  servers: Server[],
  names: [string, string][],
  bodies: Map<string, Buffer>,
): Promise<Row[]> {
  const rows: Row[] = [];
  const [sd, sd1, nginx, ceiling] = servers as [Server, Server, Server, Server];
  for (const [label, name] of names) {
    for (const [request, headers] of [
      ['plain', AUTH],
      ['gzip', GZIP],
    ] as const) {
      const figures = new Map<string, Figures>();
      // one worker only where it tells something: the document Prometheus reads most
      const here = name === names[0]![1] ? [sd, sd1, ceiling, nginx] : [sd, ceiling, nginx];
      for (const s of here) {
        await runWrk(s.path(name), headers, Math.min(3, DURATION));
        const before = treeCpuMs(s.child.pid!);
        const f = await sampled(s, () => runWrk(s.path(name), headers, DURATION));
        const after = treeCpuMs(s.child.pid!);
        const answers = f.rps * DURATION;
        f.cpu = {
          userUs: ((after.userMs - before.userMs) * 1000) / answers,
          systemUs: ((after.systemMs - before.systemMs) * 1000) / answers,
        };
        figures.set(s.name, f);
      }
      rows.push({ doc: label, request, load: 'saturation', figures });
    }
  }
  const [label, name] = names[0]!;
  const body = bodies.get(name)!;
  for (const [request, headers] of [
    ['plain', AUTH],
    ['gzip', GZIP],
  ] as const) {
    // a load both servers and the load generator carry: the rate asked, or half of nginx's saturation, or what
    // autocannon reads on the same CPUs (about 256 MB/s: a 562 KB body at 2,000/s would be 1.1 GB/s), the lowest
    const ngRps =
      rows.find((r) => r.doc === label && r.request === request)?.figures.get(nginx.name)?.rps ?? RATE;
    const bytes = request === 'gzip' ? gzipSync(body, { level: 9 }).length : body.length;
    const limit = Math.min(RATE, ngRps / 2, CLIENT_BYTES_PER_S / bytes);
    const rate = Math.max(100, Math.floor(limit / 100) * 100);
    const figures = new Map<string, Figures>();
    for (const s of [sd, nginx])
      figures.set(s.name, await sampled(s, () => runFixedRate(s.path(name), headers, rate)));
    rows.push({ doc: label, request, load: `fixed ${int(rate)} req/s`, figures });
  }
  return rows;
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-bench-'));
  // nginx started as root serves as "nobody", which must be able to enter the (0700) temp dir
  await chmod(work, 0o755);
  const bucket = path.join(work, 'bucket');
  const servers: Server[] = [];
  try {
    const bodies = await publishBoth(bucket, await renderLargeDocument());
    const dist = buildBenchDist();
    servers.push(await startServer(dist, bucket, 'auto'));
    servers.push(await startServer(dist, bucket, '1'));
    servers.push(await startNginx(work, bucket));
    servers.push(await startCeiling(work, bucket, await resolveWorkers('auto')));
    const small = documentName(SMALL);
    const large = documentName(LARGE);
    const size = (n: string) => {
      const b = bodies.get(n)!;
      return `${int(b.length / 1024)} KB, gzip ${int(gzipSync(b, { level: 9 }).length / 1024)} KB`;
    };
    const names: [string, string][] = [
      [`1,000 groups (${size(small)})`, small],
      [`large organisation (${size(large)})`, large],
    ];
    out(
      `wrk -t2 -c${CONNECTIONS} -d${DURATION}s after a warm-up, and autocannon at a fixed rate (${int(RATE)} requests/s, or half of nginx's saturation, or 256 MB/s, the lowest); ${os.cpus().length} CPUs, node ${process.version}; the load generators run on the same machine.`,
    );
    out();
    const rows = await measureAll(servers, names, bodies);
    printRows(rows, servers);
    out();
    out(
      '| server | processes | start → ready | RSS idle | RSS peak under load | of it anonymous, idle | anonymous, peak |',
    );
    out('|---|---:|---:|---:|---:|---:|---:|');
    for (const s of servers)
      out(
        `| ${s.name} | ${s.idle.processes} | ${int(s.readyMs)} ms | ${s.idle.rssMb.toFixed(0)} MB | ${s.peak.rssMb.toFixed(0)} MB | ${s.idle.anonMb.toFixed(0)} MB | ${s.peak.anonMb.toFixed(0)} MB |`,
      );
    printTargets(rows, servers);
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(
      servers.map((s) => new Promise((r) => (s.child.exitCode === null ? s.child.once('exit', r) : r(null)))),
    );
    await rm(work, { recursive: true, force: true });
  }
}

await main();
