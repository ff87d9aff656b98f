/**
 * The publisher at scale: `confluent-sd publish` (compiled, its own process) against the simulator at three
 * organisation sizes, with API latency and a rate limit, into a file store. Each size runs twice: a first run
 * (everything written) and an unchanged run. Prints figures and the large organisation's targets as Markdown;
 * never fails on a timing (exit 1 only when a publish run fails).
 *
 *   node --import tsx test/bench/publish.ts [--sizes small,medium,large] [--latency-ms 20] [--rate-limit 200]
 *                                           [--concurrency 8]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { countResources, type OrgSizes } from '../../src/simulator/org.js';
import { startSimulator } from '../../src/simulator/server.js';
import { minimumCalls } from '../helpers/minimum-calls.js';
import { buildBenchDist, type ChildRun, findLog, runCliChild } from '../helpers/publish-child.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: 'small,medium,large' },
    'latency-ms': { type: 'string', default: '20' },
    'rate-limit': { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '8' },
  },
});
const LATENCY_MS = Number(args['latency-ms']);
const RATE_LIMIT = Number(args['rate-limit']);
const CONCURRENCY = Number(args.concurrency);
const out = (line = '') => process.stdout.write(`${line}\n`);

// ksqlDB and compute pools in proportion to the Kafka clusters (one of each per five), Schema Registry in most
// environments (the generator's 85 %).
const PER_ENV = { kafkaPerEnv: 10, connectorsPerCluster: 5, ksqlPerEnv: 2, computePoolsPerEnv: 2 };
const SIZES: Record<string, Partial<OrgSizes>> = {
  small: { environments: 5, ...PER_ENV },
  medium: { environments: 50, ...PER_ENV },
  large: { environments: 200, ...PER_ENV },
};
// two target lists × two prefixes: four documents per run
const TARGETS = 'api.telemetry.confluent.cloud;metrics-proxy.internal:9443';

interface RunFigures {
  ok: boolean;
  code: number | null;
  calls: number;
  throttled: number;
  retries: number;
  discoveryMs: number;
  renderMs: number;
  runMs: number;
  processMs: number;
  objectsWritten: number;
  peakRssMb: number;
  outcome: string;
  error: string;
}

interface SizeFigures {
  name: string;
  resources: number;
  environments: number;
  byType: Record<string, number>;
  minimum: number;
  boundMs: number;
  first: RunFigures;
  unchanged: RunFigures;
}

const num = (v: unknown) => (typeof v === 'number' ? v : Number.NaN);

function runFigures(run: ChildRun, simCalls: number, sim429: number): RunFigures {
  const discovery = findLog(run, 'discovery finished');
  const render = findLog(run, 'render finished');
  const finished = findLog(run, 'publish finished');
  const failure = findLog(run, 'publish failed');
  return {
    ok: run.code === 0,
    code: run.code,
    calls: simCalls,
    throttled: sim429,
    retries: num(discovery?.retries),
    discoveryMs: num(discovery?.durationMs),
    renderMs: num(render?.durationMs),
    runMs: num(finished?.durationMs),
    processMs: run.wallMs,
    objectsWritten: num(finished?.objectsWritten),
    peakRssMb: (run.peakRssBytes ?? Number.NaN) / 2 ** 20,
    outcome: typeof finished?.outcome === 'string' ? finished.outcome : 'failed',
    error: failure ? run.stderr.split('\n').find((l) => l.startsWith('confluent-sd')) || run.stderr : '',
  };
}

const HEAP_LIMIT = '--max-old-space-size=256';

async function benchSize(
  name: string,
  sizes: Partial<OrgSizes>,
  dist: string,
  nodeOptions?: string,
): Promise<SizeFigures> {
  const sim = await startSimulator({
    seed: 42,
    port: 0,
    ...sizes,
    latencyMs: LATENCY_MS,
    rateLimit: RATE_LIMIT,
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-bench-publish-'));
  try {
    const env = {
      CONFLUENT_API_KEY: 'sim-key',
      CONFLUENT_API_SECRET: 'sim-secret',
      CONFLUENT_API_URL: sim.url,
      CONFLUENT_TELEMETRY_URL: sim.url,
      SD_API_CONCURRENCY: String(CONCURRENCY),
      SD_STORE: `file:${dir}`,
      SD_TARGETS: TARGETS,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}),
    };
    const once = async () => {
      sim.resetStats();
      const run = await runCliChild(['publish'], { dist, env });
      const stats = sim.stats();
      return runFigures(run, stats.requests, stats.rateLimited);
    };
    const first = await once();
    const unchanged = await once();
    const counts = countResources(sim.org);
    const minimum = minimumCalls(sim.org);
    return {
      name,
      resources: counts.total,
      environments: counts.environments,
      byType: counts.byType,
      minimum,
      boundMs: Math.max(minimum / RATE_LIMIT, (minimum * LATENCY_MS) / 1000 / CONCURRENCY) * 1000,
      first,
      unchanged,
    };
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const s = (ms: number) => (ms / 1000).toFixed(2);
const mb = (v: number) => v.toFixed(0);
const int = (n: number) => (Number.isFinite(n) ? n.toLocaleString('en-US') : '–');

function printSizes(all: SizeFigures[]): void {
  out(
    `Simulator: ${LATENCY_MS} ms latency per request, ${RATE_LIMIT} requests/s (fixed one-second windows); client concurrency ${CONCURRENCY}; 4 documents per run (2 target lists × 2 prefixes), file store.`,
  );
  out();
  out(
    '| org | environments | resources | API calls | minimum | 429s | wall time | bound | wall / bound | render | objects (first / unchanged) | peak RSS |',
  );
  out('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const f of all) {
    const r = f.first;
    out(
      `| ${f.name} | ${f.environments} | ${int(f.resources)} | ${int(r.calls)} | ${int(f.minimum)} | ${r.throttled} | ${s(r.runMs)} s | ${s(f.boundMs)} s | ${(r.runMs / f.boundMs).toFixed(2)} | ${r.renderMs} ms | ${r.objectsWritten} / ${f.unchanged.objectsWritten} | ${mb(Math.max(r.peakRssMb, f.unchanged.peakRssMb))} MB |`,
    );
  }
  out();
  out(
    'Wall time is the run as the publisher logs it (read manifest → discover → render → write → status), first run; the process adds Node start-up. Bound = max(minimum calls / rate limit, minimum calls × latency / concurrency).',
  );
  out();
  out(
    '| org | run | exit | outcome | API calls | 429s | retries | discovery | render | run | process | objects written | peak RSS |',
  );
  out('|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const f of all) {
    for (const [label, r] of [
      ['first', f.first],
      ['unchanged', f.unchanged],
    ] as const) {
      out(
        `| ${f.name} | ${label} | ${r.code} | ${r.outcome} | ${int(r.calls)} | ${r.throttled} | ${r.retries} | ${s(r.discoveryMs)} s | ${r.renderMs} ms | ${s(r.runMs)} s | ${s(r.processMs)} s | ${r.objectsWritten} | ${mb(r.peakRssMb)} MB |`,
      );
      if (!r.ok) out(`|  | error: ${r.error.replace(/\|/g, '\\|').slice(0, 300)} |||||||||||`);
    }
  }
}

function printGrowth(all: SizeFigures[]): void {
  out();
  out('Growth (first run; × is the factor over the previous size):');
  out();
  out('| org | resources | × | API calls | × | wall time | × | render | × | peak RSS | × |');
  out('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  all.forEach((f, i) => {
    const p = all[i - 1];
    const x = (a: number, b: number | undefined) => (b === undefined ? '' : `${(a / b).toFixed(1)}×`);
    out(
      `| ${f.name} | ${int(f.resources)} | ${x(f.resources, p?.resources)} | ${int(f.first.calls)} | ${x(f.first.calls, p?.first.calls)} | ${s(f.first.runMs)} s | ${x(f.first.runMs, p?.first.runMs)} | ${f.first.renderMs} ms | ${x(f.first.renderMs, p?.first.renderMs)} | ${mb(f.first.peakRssMb)} MB | ${x(f.first.peakRssMb, p?.first.peakRssMb)} |`,
    );
  });
}

/** Why a target is missed and what would close it, printed under the targets table for each miss. */
const MISSES: Record<string, string> = {
  calls:
    'More calls than the organisation needs: retries (see the 429s and retries columns) or a listing paged twice. ' +
    'Remedy: check the 429 count first; the client holds requests while `X-RateLimit-Remaining` is below its concurrency.',
  wall:
    'Render, writes and the manifest read add about 1 s to discovery, which alone runs at about 1.14× the bound. The ' +
    'client holds new requests when `X-RateLimit-Remaining` falls below its concurrency and waits out ' +
    '`X-RateLimit-Reset`, which the API gives in whole seconds (the simulator, like the API, rounds up): the wait ' +
    'ends up to a second after the window really reset, and with 8 requests in flight at 20 ms the client uses a ' +
    "window's 200 requests in about half a second, so part of most windows passes unused. Remedy " +
    '(src/confluent/rate-gate.ts): reopen at the real window boundary — learn its phase by letting one request ' +
    'through every ~50 ms while a few requests of the window remain (the first answer whose `Remaining` jumps back ' +
    'up marks the boundary), or pace requests at limit ÷ window instead of bursting.',
  failed: 'A publish run failed: see its error line above. This is a correctness failure, not a timing.',
  render:
    'Rendering and checking every document is CPU-bound and runs on one core. Remedy: render combinations that share ' +
    'targets from one serialised group list (only the prefix differs).',
  rss:
    'The peak is mostly garbage, not live data: every document of the run is rendered at once (one tuple array per ' +
    'group, one line string per group, then the joined body), then each is parsed back whole by the Prometheus ' +
    'check; V8 promotes these short-lived objects and, with a heap limit of several GB on this machine, runs a full ' +
    'collection only at the end (live data after it: under 60 MB). Remedies: render, check and write one document ' +
    'at a time; serialise each group straight to its line; or run the job with a heap limit (a 512 MiB container ' +
    'limit, or `NODE_OPTIONS=--max-old-space-size=256`; see the row measured with it).',
  unchanged: 'An unchanged run wrote more than latest/manifest.json and status.json.',
};

function printTargets(f: SizeFigures): void {
  const peak = Math.max(f.first.peakRssMb, f.unchanged.peakRssMb);
  const rows: [string, string, string, boolean][] = [
    ['calls', 'API calls = minimum', `${f.first.calls} / ${f.minimum}`, f.first.calls === f.minimum],
    [
      'wall',
      'wall time ≤ 1.2 × bound',
      `${s(f.first.runMs)} s / ${s(f.boundMs)} s = ${(f.first.runMs / f.boundMs).toFixed(3)}×`,
      f.first.runMs <= 1.2 * f.boundMs,
    ],
    [
      'failed',
      'no failed run',
      `exit ${f.first.code} (${f.first.outcome}), exit ${f.unchanged.code} (${f.unchanged.outcome})`,
      f.first.ok && f.unchanged.ok,
    ],
    ['render', 'render < 1 s', `${f.first.renderMs} ms`, f.first.renderMs < 1000],
    ['rss', 'peak RSS < 300 MB', `${mb(peak)} MB`, peak < 300],
    [
      'unchanged',
      'unchanged run writes ≤ 2 objects',
      `${f.unchanged.objectsWritten}`,
      f.unchanged.objectsWritten <= 2,
    ],
  ];
  out();
  out(`Targets (${f.name} organisation):`);
  out();
  out('| target | measured | |');
  out('|---|---|---|');
  for (const [, name, measured, met] of rows)
    out(`| ${name} | ${measured} | ${met ? 'met' : '**missed**'} |`);
  const missed = rows.filter(([, , , met]) => !met);
  if (missed.length > 0) {
    out();
    for (const [key, name] of missed) out(`- **${name} missed.** ${MISSES[key]}`);
  }
}

async function main(): Promise<number> {
  const dist = buildBenchDist();
  const all: SizeFigures[] = [];
  for (const name of args.sizes.split(',')) {
    const sizes = SIZES[name];
    if (!sizes) throw new Error(`unknown size ${name} (small, medium, large)`);
    all.push(await benchSize(name, sizes, dist));
  }
  printSizes(all);
  if (all.length > 1) printGrowth(all);
  const large = all.find((f) => f.name === 'large') ?? all.at(-1);
  if (large) {
    printTargets(large);
    if (Math.max(large.first.peakRssMb, large.unchanged.peakRssMb) >= 300) {
      const limited = await benchSize(large.name, SIZES[large.name] ?? {}, dist, HEAP_LIMIT);
      out();
      out(
        `Same ${large.name} first run with \`NODE_OPTIONS=${HEAP_LIMIT}\` (as a container memory limit would make V8 collect sooner): peak RSS ${mb(limited.first.peakRssMb)} MB, run ${s(limited.first.runMs)} s, render ${limited.first.renderMs} ms, exit ${limited.first.code}.`,
      );
    }
  }
  return all.every((f) => f.first.ok && f.unchanged.ok) ? 0 : 1;
}

process.exitCode = await main();
