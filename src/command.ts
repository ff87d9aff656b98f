/**
 * What every CLI command declares, is given and returns. Commands live next to their stage
 * (`src/<stage>/command.ts`) and are wired in `src/cli.ts`, which reads the variables once and hands each command
 * its parsed arguments, its config parts (validated, frozen) and its logger. I/O is injected so tests run commands
 * in-process and read their output.
 */

import type { Writable } from 'node:stream';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type ConfigOf, loadParts, type PartMap } from './config/load.js';
import type { ConfigPart } from './config/part.js';
import type { ConfigVars, Env } from './config/vars.js';
import { AppError } from './errors.js';
import { createLogger, type LogConfig, type Logger } from './log.js';

/** What the caller hands a command: arguments, environment and I/O. */
export interface CommandIO {
  argv: string[];
  env: Env;
  cwd: string;
  stdout: Writable;
  stderr: Writable;
  /** Aborted on SIGTERM/SIGINT. */
  signal: AbortSignal;
  /** Overrides the logger built from LOG_LEVEL/LOG_FORMAT (tests, the demo's sub-commands). */
  log?: Logger;
}

/** What a command runs with: its I/O, its parsed arguments, its config parts and its logger. */
export interface CommandContext<A = unknown, C = unknown> extends Omit<CommandIO, 'log'> {
  args: A;
  config: C;
  log: Logger;
}

/** Every command declares the `log` part: its logger is built from it. */
export type CommandParts = PartMap & { readonly log: ConfigPart<LogConfig> };

// biome-ignore lint/suspicious/noExplicitAny: a command of any arguments and parts (the registry in cli.ts)
export interface Command<A = any, P extends CommandParts = any> {
  summary: string;
  /** Full --help text: usage line, flags, the env variables it reads, exit codes. */
  help: string;
  /** argv → arguments; throws USAGE. Runs before any config is validated, so a bad flag is reported as one. */
  parseArgs(argv: string[]): A;
  /** The config parts this run needs; a part it does not need cannot fail it. */
  config: P | ((args: A) => P);
  /** The lowest exit code of a failure (`diff` keeps 1 for "different", so its failures are 2, as diff(1)). */
  minFailureExit?: number;
  /** Returns the process exit code. Throws AppError for failures (cli.ts prints them and maps them to exit codes). */
  run(ctx: CommandContext<A, ConfigOf<P>>): Promise<number>;
}

/** Types a command's `run` from its argument parser and its parts; the result is a plain `Command`. */
export function defineCommand<A, const P extends CommandParts>(command: Command<A, P>): Command {
  return command;
}

/** Parses the arguments, validates the parts the command needs against `vars` and builds its logger. */
export function createCommandContext<A, P extends CommandParts>(
  command: Command<A, P>,
  io: CommandIO,
  vars: ConfigVars,
): CommandContext<A, ConfigOf<P>> {
  const args = command.parseArgs(io.argv);
  const parts = typeof command.config === 'function' ? command.config(args) : command.config;
  const config = loadParts(vars, parts);
  const { log: injected, ...rest } = io;
  const log = injected ?? createLogger((config as ConfigOf<CommandParts>).log);
  return { ...rest, args, config, log };
}

/** Runs a command inside another (the demo's publish and serve); failures propagate to the caller. */
export function runSubcommand(command: Command, io: CommandIO, vars: ConfigVars): Promise<number> {
  return command.run(createCommandContext(command, io, vars));
}

export type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with strict checking; unknown flags are a USAGE error (exit 2) that names the closest known flag. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    const unknown = /^Unknown option '(-{1,2}[^']*)'/.exec(err instanceof Error ? err.message : '');
    if ((err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && unknown?.[1]) {
      const flag = unknown[1].split('=')[0]!;
      const near = closestWord(flag, [...Object.keys(options).map((o) => `--${o}`), '--help']);
      throw new AppError('USAGE', `unknown flag ${flag}${near ? ` (did you mean ${near}?)` : ''}`);
    }
    throw new AppError('USAGE', err instanceof Error ? err.message : String(err));
  }
}

/** Levenshtein distance: insertions, deletions and substitutions of one character each. */
export function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

/**
 * The candidate closest to `word` for a "did you mean": the fewest edits, at most a third of the word (2 for short
 * words), or else the one candidate it begins (`--dry` for `--dry-run`). Undefined when none is near.
 */
export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: { word: string; distance: number } | undefined;
  for (const c of candidates) {
    const distance = editDistance(word, c);
    if (distance <= limit && (!best || distance < best.distance)) best = { word: c, distance };
  }
  if (best) return best.word;
  const prefixed = candidates.filter((c) => word.replace(/^-+/, '').length >= 2 && c.startsWith(word));
  return prefixed.length === 1 ? prefixed[0] : undefined;
}

export function writeLine(stream: Writable, text = ''): void {
  stream.write(`${text}\n`);
}
