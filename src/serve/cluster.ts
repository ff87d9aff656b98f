/**
 * `serve` on several cores (SD_WORKERS > 1, node:cluster): the primary polls the store, loads and verifies each
 * document set once (document-cache.ts, as the single process does) and sends it whole to every worker, which
 * swaps it in as one reference; the workers share the listening socket and answer every request. The primary
 * answers none and holds no server. One load per set keeps every worker on the same bytes and validators
 * (`Last-Modified` is decided once), and the store is read once per poll, not once per worker.
 */
import cluster, { type Worker } from 'node:cluster';
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { AggregatorRegistry, collectDefaultMetrics, Registry } from 'prom-client';
import type { Logger } from '../log.js';
import type { DocumentCache } from './document-cache.js';
import type { DocumentSet } from './document-set.js';
import { type ClusterMessage, type DocumentsMessage, isClusterMessage } from './worker-link.js';

/** One worker's `registry.getMetricsAsJSON()`, as far as the aggregation reads it. */
type WorkerMetric = { name: string; aggregator: string };

/** SD_WORKERS=auto: the CPUs this process may use (cores, and a container's CPU quota), at most 2, at least 1. */
export async function resolveWorkers(setting: number | 'auto'): Promise<number> {
  if (setting !== 'auto') return setting;
  const quota = await readCpuQuota();
  return Math.max(1, Math.min(2, availableParallelism(), quota ?? Number.POSITIVE_INFINITY));
}

/** Whole CPUs of the cgroup's quota (v2 `cpu.max`, v1 `cfs_quota_us`/`cfs_period_us`); undefined without one. */
async function readCpuQuota(): Promise<number | undefined> {
  const read = (p: string) => readFile(p, 'utf8').catch(() => '');
  const v2 = /^(\d+)\s+(\d+)/.exec(await read('/sys/fs/cgroup/cpu.max'));
  if (v2) return Math.floor(Number(v2[1]) / Number(v2[2]));
  const quota = Number(await read('/sys/fs/cgroup/cpu/cpu.cfs_quota_us'));
  const period = Number(await read('/sys/fs/cgroup/cpu/cpu.cfs_period_us'));
  return quota > 0 && period > 0 ? Math.floor(quota / period) : undefined;
}

/**
 * Metrics every worker counts for itself (responses, connections, process and Node figures) are summed by their
 * own aggregator; all others describe the one document set the primary sent every worker, so the first is taken.
 */
function createAggregation(): (perWorker: WorkerMetric[][]) => Promise<string> {
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults });
  const defaultNames = defaults.getMetricsAsArray().map((m) => m.name);
  defaults.clear();
  const perProcess = (name: string) =>
    /_http_|_connections_/.test(name) || defaultNames.some((d) => name.endsWith(d));
  return async (perWorker) => {
    const marked = perWorker.map((metrics) =>
      metrics.map((m) => (perProcess(m.name) ? m : { ...m, aggregator: 'first' })),
    );
    return AggregatorRegistry.aggregate(marked).metrics();
  };
}

export interface Address {
  address: string;
  port: number;
}

export interface PrimaryOptions {
  workers: number;
  /** The CLI script the workers run (`confluent-sd serve`). */
  exec: string;
  /** Added to each worker's environment (the command's variables). */
  env: Record<string, string>;
  log: Logger;
  /** Aborted on SIGTERM/SIGINT: a worker that exits from then on is not replaced (a terminal's Ctrl-C reaches all). */
  signal: AbortSignal;
}

export interface Primary {
  /** Sends the cache's state (and its set when it changed) to every worker; the cache calls it after each poll. */
  broadcast(documents: DocumentCache): void;
  /** Resolves once every worker listens (with the address they share); rejects when one exits before. */
  listening: Promise<Address>;
  /** Stops every worker (SIGTERM: each finishes its requests) and waits for them. */
  stop(): Promise<void>;
}

const GATHER_TIMEOUT_MS = 3000;

function messageOf(documents: DocumentCache, withSet: boolean): DocumentsMessage {
  const { set, ...state } = documents.state();
  return { type: 'confluent-sd:documents', state, ...(withSet && set ? { set } : {}) };
}

/** Asks every worker for its registry and answers `to` with the aggregate. */
function createMetricsGatherer(workers: () => Worker[]) {
  const aggregate = createAggregation();
  const gathering = new Map<number, (json: WorkerMetric[]) => void>();
  let nextId = 0;
  const gather = async (to: Worker, id: number) => {
    const answers = workers().map(
      (w) =>
        new Promise<WorkerMetric[]>((resolve) => {
          const gid = nextId++;
          const timer = setTimeout(() => resolve([]), GATHER_TIMEOUT_MS);
          gathering.set(gid, (json) => {
            clearTimeout(timer);
            gathering.delete(gid);
            resolve(json);
          });
          w.send({ type: 'confluent-sd:worker-metrics-request', id: gid } satisfies ClusterMessage);
        }),
    );
    const text = await aggregate((await Promise.all(answers)).filter((a) => a.length > 0));
    if (to.isConnected()) to.send({ type: 'confluent-sd:metrics', id, text } satisfies ClusterMessage);
  };
  return (from: Worker, m: ClusterMessage) => {
    if (m.type === 'confluent-sd:metrics-request') void gather(from, m.id);
    else if (m.type === 'confluent-sd:worker-metrics') gathering.get(m.id)?.(m.json as WorkerMetric[]);
  };
}

/**
 * The Node flags a serving process runs with: a young generation of at most 4 MB a semi-space (V8's default grows
 * to 16) keeps a serving process about 25 MB smaller under load at the same CPU per request (docs/benchmarks.md).
 * The image's `confluent-sd serve` passes them (Dockerfile); workers get them unless the primary set its own.
 */
export const SERVE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4'];

/**
 * Node's flags for a worker: the primary's (`--import tsx`, heap limits), without those of code given inline
 * (`-e <code>`, `--input-type`), which a worker running the CLI script cannot take, and with SERVE_NODE_FLAGS
 * where neither the primary's flags nor NODE_OPTIONS set the same one.
 */
export function workerExecArgv(execArgv: readonly string[], nodeOptions = ''): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    if (['-e', '--eval', '-p', '--print'].includes(a)) i += 1;
    else if (!a.startsWith('--input-type') && !/^(-e|--eval|-p|--print)=/.test(a)) kept.push(a);
  }
  const given = [...kept, ...nodeOptions.split(/\s+/)].map((a) => a.split('=')[0]);
  return [...kept, ...SERVE_NODE_FLAGS.filter((f) => !given.includes(f.split('=')[0]))];
}

/** SIGTERM to every worker (each finishes its requests and exits), SIGKILL to one still there after 35 s. */
async function stopWorkers(): Promise<void> {
  const all = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
  await Promise.all(
    all.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (w.isDead()) return resolve();
          const kill = setTimeout(() => w.process.kill('SIGKILL'), 35_000);
          w.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          w.process.kill('SIGTERM');
        }),
    ),
  );
}

export function startPrimary(options: PrimaryOptions): Primary {
  const { log } = options;
  cluster.setupPrimary({
    exec: options.exec,
    args: ['serve'],
    execArgv: workerExecArgv(process.execArgv, process.env.NODE_OPTIONS),
    serialization: 'advanced',
  });
  let stopping = options.signal.aborted;
  options.signal.addEventListener('abort', () => {
    stopping = true;
  });
  let sent: DocumentSet | undefined;
  let latest: DocumentCache | undefined;
  const workers = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w?.isConnected());
  const onMetrics = createMetricsGatherer(workers);
  let ready = 0;
  const listening = new Promise<Address>((resolve, reject) => {
    const fork = () => {
      const worker = cluster.fork(options.env);
      let listened = false;
      worker.on('message', (m: unknown) => {
        if (!isClusterMessage(m)) return;
        if (m.type === 'confluent-sd:hello') {
          if (latest) worker.send(messageOf(latest, true));
        } else onMetrics(worker, m);
      });
      worker.on('listening', (address: Address) => {
        listened = true;
        ready += 1;
        if (ready === options.workers) resolve({ address: address.address, port: address.port });
      });
      worker.on('exit', (code, signal) => {
        if (stopping) return;
        if (!listened && ready < options.workers) {
          reject(new Error(`worker ${worker.id} exited (${signal ?? code}) before it listened; see its log`));
          return;
        }
        log.error({ worker: worker.id, code, signal }, 'worker exited, starting another');
        setTimeout(() => stopping || fork(), 1000);
      });
    };
    for (let i = 0; i < options.workers; i++) fork();
  });
  return {
    listening,
    broadcast(documents) {
      latest = documents;
      const changed = documents.current() !== sent;
      sent = documents.current();
      for (const w of workers()) w.send(messageOf(documents, changed));
    },
    async stop() {
      stopping = true;
      await stopWorkers();
    },
  };
}
