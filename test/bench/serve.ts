/**
 * Serving speed: a 1,000-group document behind a bearer token, 64 connections on loopback, next to nginx serving
 * the same file from disk in the same run. Prints requests/s, p50/p99 latency and the server's RSS; asserts
 * nothing. Installs nginx-light with apt when it is missing.
 *
 *   node --import tsx test/bench/serve.ts [--duration 10] [--connections 64] [--tool wrk|autocannon]
 *
 * The server runs as its own process from src/ compiled into .tmp/bench-dist (plain node, no tsx).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { documentName } from '../../src/bucket/document-name.js';
import { KEYS } from '../../src/bucket/keys.js';
import { createFileStore } from '../../src/store/file-store.js';
import { publishFakeRun } from '../helpers/bucket.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '64' },
    tool: { type: 'string', default: existsSync('/usr/bin/wrk') ? 'wrk' : 'autocannon' },
  },
});
const DURATION = Number(args.duration);
const CONNECTIONS = Number(args.connections);
const TOKEN = 'bench-token-0123456789abcdef';
const COMBINATION = { targets: ['api.telemetry.confluent.cloud'], prefix: 'confluent_' };
const NAME = documentName(COMBINATION);
const out = (line = '') => process.stdout.write(`${line}\n`);

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

async function waitFor(url: string, headers: Record<string, string> = {}): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const ok = await fetch(url, { headers }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not answer 200 within 30 s`);
}

/** Waits for `url` to answer 200; a child that never gets there is stopped, not leaked. */
async function startedOrKilled(child: ChildProcess, url: string): Promise<ChildProcess> {
  try {
    await waitFor(url);
    return child;
  } catch (err) {
    child.kill('SIGTERM');
    throw err;
  }
}

function findNginx(): string {
  for (const p of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) if (existsSync(p)) return p;
  out('nginx missing: installing nginx-light with apt-get');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const run = (cmd: string[]) =>
    execFileSync(sudo[0] ?? cmd[0]!, [...sudo.slice(1), ...(sudo.length ? cmd : cmd.slice(1))], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'nginx-light']);
  return '/usr/sbin/nginx';
}

async function startNginx(work: string, root: string, port: number): Promise<ChildProcess> {
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
  access_log ${work}/nginx-access.log;
  client_body_temp_path ${work}/nginx-tmp/body; proxy_temp_path ${work}/nginx-tmp/proxy;
  fastcgi_temp_path ${work}/nginx-tmp/fastcgi; uwsgi_temp_path ${work}/nginx-tmp/uwsgi; scgi_temp_path ${work}/nginx-tmp/scgi;
  sendfile on; tcp_nopush on; keepalive_requests 1000000;
  types { application/json json; }
  server { listen 127.0.0.1:${port}; root ${root}; }
}
`,
  );
  const child = spawn(findNginx(), ['-c', conf, '-p', work], { stdio: 'ignore' });
  return startedOrKilled(child, `http://127.0.0.1:${port}/latest/${NAME}.json`);
}

const REPO = path.resolve(import.meta.dirname, '../..');
const BUILD = path.join(REPO, '.tmp/bench-dist');

/** Compiles src/ to plain JS, so the figures are the server's own and not tsx's loader (about 35 MB of RSS). */
function buildServer(): void {
  const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
  const config = path.join(REPO, 'tsconfig.build.json');
  try {
    execFileSync(process.execPath, [tsc, '-p', config, '--outDir', BUILD, '--sourceMap', 'false'], {
      stdio: 'ignore',
    });
  } catch {
    // type errors elsewhere do not stop tsc from emitting; the server's import fails if serve/ was not emitted
  }
}

// `confluent-sd serve` as src/cli.ts runs it, stopped by SIGTERM
const SERVER_ENTRY = `
import { main } from ${JSON.stringify(pathToFileURL(path.join(BUILD, 'cli.js')).href)};
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort(new Error('received SIGTERM')));
process.exitCode = await main({ argv: ['serve'], env: process.env, cwd: process.cwd(),
  stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
`;

async function startServer(bucket: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', SERVER_ENTRY], {
    env: {
      ...process.env,
      SD_STORE: `file:${bucket}`,
      SD_LISTEN: `127.0.0.1:${port}`,
      SD_BEARER_TOKENS: TOKEN,
      // the limits are per client IP and the benchmark is one client
      SD_RATE_LIMIT: '0',
      SD_MAX_CONNECTIONS_PER_CLIENT: '0',
      LOG_LEVEL: 'info',
    },
    // the access log is written (to /dev/null), so its cost is part of the figures
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  return startedOrKilled(child, `http://127.0.0.1:${port}/ready`);
}

function runWrk(url: string, headers: Record<string, string>): Figures {
  const h = Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const text = execFileSync('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${DURATION}s`, '--latency', ...h, url], {
    encoding: 'utf8',
  });
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
  headers: Record<string, string>;
}) => Promise<{
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}>;

async function runAutocannon(url: string, headers: Record<string, string>): Promise<Figures> {
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
  const r = await autocannon({ url, connections: CONNECTIONS, duration: DURATION, headers });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.non2xx + r.errors };
}

function rssOf(pid: number): { rssMb: number; peakMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

async function main(): Promise<void> {
  const work = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-bench-'));
  // nginx started as root serves as "nobody", which must be able to enter the (0700) temp dir
  await chmod(work, 0o755);
  const bucket = path.join(work, 'bucket');
  const children: ChildProcess[] = [];
  try {
    const run = await publishFakeRun(createFileStore(bucket), {
      runId: '20260101T120000Z',
      combinations: [COMBINATION],
      groups: 1000,
    });
    const bytes = run.bodies.get(NAME)!.length;
    buildServer();
    const [sdPort, nginxPort] = [await freePort(), await freePort()];
    const server = await startServer(bucket, sdPort);
    children.push(server);
    const nginx = await startNginx(work, bucket, nginxPort);
    children.push(nginx);
    const headers = { authorization: `Bearer ${TOKEN}` };
    const measure = (url: string) =>
      args.tool === 'wrk' ? Promise.resolve(runWrk(url, headers)) : runAutocannon(url, headers);

    out(
      `document: ${KEYS.latestDocument(NAME)}, 1,000 groups, ${bytes} bytes; ${CONNECTIONS} connections, ${DURATION} s, ${args.tool}, ${os.cpus().length} CPUs, node ${process.version}`,
    );
    // warm up both, then measure
    await measure(`http://127.0.0.1:${sdPort}/sd/${NAME}.json`);
    const rssBefore = rssOf(server.pid!);
    const sd = await measure(`http://127.0.0.1:${sdPort}/sd/${NAME}.json`);
    const sdQuery = await measure(
      `http://127.0.0.1:${sdPort}/discovery?targets=${COMBINATION.targets[0]}&prefix=${COMBINATION.prefix}`,
    );
    const rss = rssOf(server.pid!);
    await measure(`http://127.0.0.1:${nginxPort}/latest/${NAME}.json`);
    const ng = await measure(`http://127.0.0.1:${nginxPort}/latest/${NAME}.json`);

    const row = (name: string, f: Figures, mem: string) =>
      `| ${name} | ${Math.round(f.rps).toLocaleString('en-US')} | ${f.p50.toFixed(2)} | ${f.p99.toFixed(2)} | ${f.errors} | ${mem} |`;
    out();
    out('| server | requests/s | p50 ms | p99 ms | non-2xx | RSS |');
    out('|---|---:|---:|---:|---:|---|');
    out(
      row(
        'confluent-sd `/sd/<name>.json`',
        sd,
        `${rss.rssMb.toFixed(0)} MB (peak ${rss.peakMb.toFixed(0)} MB; ${rssBefore.rssMb.toFixed(0)} MB after warm-up)`,
      ),
    );
    out(row('confluent-sd `/discovery?targets=…&prefix=…`', sdQuery, 'same process'));
    out(row('nginx (static file, sendfile, `worker_processes auto`)', ng, '–'));
    out();
    out(`confluent-sd / nginx: ${((sd.rps / ng.rps) * 100).toFixed(0)} % of nginx's requests/s`);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(
      children.map((c) => new Promise((r) => (c.exitCode === null ? c.once('exit', r) : r(null)))),
    );
    await rm(work, { recursive: true, force: true });
  }
}

await main();
