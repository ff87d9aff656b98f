/**
 * A real Prometheus process for end-to-end tests: found on PATH (or $PROMETHEUS), started on loopback with its
 * TSDB in a temp dir, read through its HTTP API, stopped and waited for. Its output is kept for failure messages.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

const READY_TIMEOUT_MS = 20_000;

export const PROMETHEUS_BIN = process.env.PROMETHEUS ?? 'prometheus';

/** The first line of `prometheus --version`, or undefined when the binary cannot be run. */
export async function findPrometheus(bin = PROMETHEUS_BIN): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run(bin, ['--version'], { timeout: 10_000 });
    // 2.x prints its version on stdout, some builds on stderr
    return (stdout || stderr).split('\n')[0];
  } catch {
    return undefined;
  }
}

export interface ActiveTarget {
  discoveredLabels: Record<string, string>;
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  lastScrape: string;
}

export interface Series {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RunningPrometheus {
  url: string;
  /** The last 8 KB of the process's output. */
  output(): string;
  activeTargets(scrapePool?: string): Promise<ActiveTarget[]>;
  /** An instant query at the current time. */
  query(promql: string): Promise<Series[]>;
  /** The sum of a counter of Prometheus's own /metrics over all its label sets (0 when absent). */
  selfMetric(name: string): Promise<number>;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface PrometheusStart {
  configFile: string;
  dataDir: string;
  port: number;
  bin?: string;
}

async function apiGet<T>(url: string): Promise<T> {
  const res = await fetch(url);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (res.status !== 200 || body.status !== 'success') {
    throw new Error(`GET ${url}: HTTP ${res.status} ${body.error ?? ''}`);
  }
  return body.data;
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startPrometheus(options: PrometheusStart): Promise<RunningPrometheus> {
  const url = `http://127.0.0.1:${options.port}`;
  const child = spawn(
    options.bin ?? PROMETHEUS_BIN,
    [
      `--config.file=${options.configFile}`,
      `--storage.tsdb.path=${options.dataDir}`,
      `--web.listen-address=127.0.0.1:${options.port}`,
      '--log.level=info',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-8192);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = waitForExit(child);
  let spawnError: Error | undefined;
  child.once('error', (err) => {
    spawnError = err;
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  };

  try {
    // not `eventually`: a process that exited is final, no point waiting out the deadline
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (spawnError) throw new Error(`prometheus did not start: ${spawnError.message}`);
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`prometheus exited (${child.exitCode ?? child.signalCode}) before it was ready`);
      }
      const status = await fetch(`${url}/-/ready`).then(
        (res) => res.status,
        () => 0,
      );
      if (status === 200) break;
      if (Date.now() > deadline) throw new Error(`prometheus not ready after ${READY_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- prometheus output ---\n${tail}`);
  }

  return {
    url,
    output: () => tail,
    async activeTargets(scrapePool) {
      const data = await apiGet<{ activeTargets: ActiveTarget[] }>(`${url}/api/v1/targets?state=active`);
      return data.activeTargets.filter((t) => scrapePool === undefined || t.scrapePool === scrapePool);
    },
    async query(promql) {
      const data = await apiGet<{ resultType: string; result: Series[] }>(
        `${url}/api/v1/query?query=${encodeURIComponent(promql)}`,
      );
      return data.result;
    },
    async selfMetric(name) {
      const text = await (await fetch(`${url}/metrics`)).text();
      let sum = 0;
      for (const line of text.split('\n')) {
        const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)/.exec(line);
        if (m?.[1] === name) sum += Number(m[3]);
      }
      return sum;
    },
    stop,
  };
}
