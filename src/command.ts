/**
 * What every CLI command is given and returns. Commands live next to their stage (`src/<stage>/command.ts`)
 * and are wired in `src/cli.ts`. I/O is injected so tests run commands in-process and read their output.
 */

import type { Writable } from 'node:stream';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Env, loadConfig } from './config.js';
import { AppError } from './errors.js';
import { createLogger, type Logger } from './log.js';

export interface CommandContext {
  argv: string[];
  env: Env;
  cwd: string;
  stdout: Writable;
  stderr: Writable;
  /** Aborted on SIGTERM/SIGINT. */
  signal: AbortSignal;
  /** Overrides the logger built from LOG_LEVEL/LOG_FORMAT (tests). */
  log?: Logger;
}

export interface Command {
  summary: string;
  /** Full --help text: usage line, flags, the env variables it reads, exit codes. */
  help: string;
  /** Returns the process exit code. Throws AppError for failures (cli.ts maps them to exit codes). */
  run(ctx: CommandContext): Promise<number>;
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with strict checking; unknown flags are a USAGE error (exit 2). */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new AppError('USAGE', err instanceof Error ? err.message : String(err));
  }
}

/** The logger of a command: the injected one, or one from LOG_LEVEL / LOG_FORMAT. */
export function commandLogger(ctx: CommandContext): Logger {
  if (ctx.log) return ctx.log;
  const { log } = loadConfig(ctx.env, ['log'], ctx.cwd);
  return createLogger(log);
}

export function writeLine(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}
