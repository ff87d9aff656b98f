import { PassThrough } from 'node:stream';
import pino from 'pino';
import { runCommand as runReported } from '../../src/cli.js';
import { type Command, type CommandIO, createCommandContext } from '../../src/command.js';
import type { Env } from '../../src/config/vars.js';
import { readProgramVars } from '../../src/config-parts.js';

export interface CommandRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Log lines the command wrote, parsed. */
  logs: Record<string, unknown>[];
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return () => Buffer.concat(chunks).toString('utf8');
}

/** Runs a command in-process with captured stdout, stderr and log lines. */
export async function runCommand(
  command: Command,
  argv: string[],
  env: Env,
  options: { cwd?: string; signal?: AbortSignal } = {},
): Promise<CommandRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const logStream = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  const logText = collect(logStream);
  const log = pino(
    { level: 'debug', redact: { paths: ['authorization', '*.authorization'], censor: '[redacted]' } },
    logStream,
  );
  // like the CLI: an error the command does not handle becomes a line on stderr and an exit code
  const code = await runReported('test', command, {
    argv,
    env,
    cwd: options.cwd ?? process.cwd(),
    stdout,
    stderr,
    signal: options.signal ?? new AbortController().signal,
    log,
  });
  await new Promise((r) => setImmediate(r));
  const logs = logText()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { code, stdout: out(), stderr: err(), logs };
}

/**
 * Runs a command in-process as cli.ts prepares it (its arguments parsed, its config parts validated against
 * `io.env`), without cli.ts's report: a failure rejects the returned promise.
 */
export function startCommand(command: Command, io: CommandIO): Promise<number> {
  try {
    return command.run(createCommandContext(command, io, readProgramVars(io.env, io.cwd)));
  } catch (err) {
    return Promise.reject(err);
  }
}
