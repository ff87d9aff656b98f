/**
 * Runs `confluent-sd publish` as a child process, the way a CronJob runs it, and reads back what it did: the exit
 * code, stdout, its JSON log lines (stderr), the wall time and the process's peak RSS (`ru_maxrss`, which the
 * child reports itself just before it exits, so no sampling can miss the peak).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const REPO = path.resolve(import.meta.dirname, '../..');

/**
 * Compiles src/ to plain JS under `.tmp/<name>`, so figures are the product's own and not tsx's loader
 * (about 35 MB of RSS and a slower start). Returns the directory.
 */
export function buildBenchDist(name = 'bench-dist'): string {
  const out = path.join(REPO, '.tmp', name);
  const tsc = path.join(REPO, 'node_modules/typescript/bin/tsc');
  try {
    execFileSync(
      process.execPath,
      [tsc, '-p', path.join(REPO, 'tsconfig.build.json'), '--outDir', out, '--sourceMap', 'false'],
      { stdio: 'ignore' },
    );
  } catch {
    // type errors elsewhere do not stop tsc from emitting; the child's import fails if cli.js was not emitted
  }
  return out;
}

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stderr lines that parse as JSON (the pino log). */
  logs: Record<string, unknown>[];
  wallMs: number;
  /** Peak resident set of the child in bytes; undefined when it died before reporting. */
  peakRssBytes?: number;
}

const RSS_MARK = 'CONFLUENT_SD_BENCH_MAXRSS_KB=';

function entrySource(cliUrl: string): string {
  return `
import { main } from ${JSON.stringify(cliUrl)};
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort(new Error('received SIGTERM')));
const code = await main({ argv: process.argv.slice(1), env: process.env, cwd: process.cwd(),
  stdout: process.stdout, stderr: process.stderr, signal: controller.signal });
process.stdout.write('\\n${RSS_MARK}' + process.resourceUsage().maxRSS + '\\n');
process.exitCode = code;
`;
}

export interface ChildOptions {
  /** Directory holding the compiled cli.js (from buildBenchDist); default: src/cli.ts through tsx. */
  dist?: string;
  env: Record<string, string>;
  /** Killed with SIGKILL after this long (default 10 minutes). */
  timeoutMs?: number;
}

export interface StartedChild {
  child: ChildProcess;
  /** Settles when the child has exited and its output is read. */
  done: Promise<ChildRun>;
}

/** Starts `confluent-sd <argv…>` in a child process (stopped with SIGKILL after `timeoutMs`). */
export function startCliChild(argv: string[], options: ChildOptions): StartedChild {
  const cli = options.dist ? path.join(options.dist, 'cli.js') : path.join(REPO, 'src/cli.ts');
  const nodeArgs = options.dist ? [] : ['--import', 'tsx'];
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--input-type=module', '-e', entrySource(pathToFileURL(cli).href), '--', ...argv],
    { cwd: REPO, env: { PATH: process.env.PATH ?? '', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (c: Buffer) => out.push(c));
  child.stderr?.on('data', (c: Buffer) => err.push(c));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 600_000);
  const done = new Promise<ChildRun>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const wallMs = performance.now() - started;
      const stdoutAll = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const mark = new RegExp(`\\n?${RSS_MARK}(\\d+)\\n`).exec(stdoutAll);
      const logs: Record<string, unknown>[] = [];
      for (const line of stderr.split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          logs.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // a line cut by a kill is not a log record
        }
      }
      resolve({
        code,
        signal,
        stdout: mark ? stdoutAll.replace(mark[0], '') : stdoutAll,
        stderr,
        logs,
        wallMs,
        ...(mark ? { peakRssBytes: Number(mark[1]) * 1024 } : {}),
      });
    });
  });
  return { child, done };
}

/** Runs `confluent-sd <argv…>` in a child process and waits for it. */
export function runCliChild(argv: string[], options: ChildOptions): Promise<ChildRun> {
  return startCliChild(argv, options).done;
}

/** The first log record with message `msg`. */
export function findLog(run: ChildRun, msg: string): Record<string, unknown> | undefined {
  return run.logs.find((l) => l.msg === msg);
}
