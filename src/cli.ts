#!/usr/bin/env node
/**
 * confluent-sd: one binary, one sub-command per job (DESIGN §6). Exit codes: 0 ok · 1 failed · 2 bad config or
 * usage · 3 refused by a guard.
 */
import { realpathSync } from 'node:fs';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { type Command, type CommandIO, closestWord, createCommandContext } from './command.js';
import { readProgramVars } from './config-parts.js';
import { describeError, EXIT, exitCodeFor, isAppError } from './errors.js';
import type { Logger } from './log.js';
import { VERSION } from './version.js';

type Loader = () => Promise<Command>;

// Loaded lazily so `serve` does not pay for the AWS SDK's start-up unless it needs it, and so on.
export const COMMANDS: Record<string, Loader> = {
  publish: async () => (await import('./publish/command.js')).publishCommand,
  schedule: async () => (await import('./publish/schedule.js')).scheduleCommand,
  serve: async () => (await import('./serve/command.js')).serveCommand,
  history: async () => (await import('./audit/history-command.js')).historyCommand,
  diff: async () => (await import('./audit/diff-command.js')).diffCommand,
  verify: async () => (await import('./audit/verify-command.js')).verifyCommand,
  prune: async () => (await import('./audit/prune-command.js')).pruneCommand,
  report: async () => (await import('./audit/report-command.js')).reportCommand,
  simulate: async () => (await import('./simulator/command.js')).simulateCommand,
  demo: async () => (await import('./demo.js')).demoCommand,
};

const SUMMARIES: Record<string, string> = {
  publish: 'one run: discover, render, publish to the store',
  schedule: 'long-running: publish now, then on SD_SCHEDULE (no overlap)',
  serve: 'the bearer-protected server of the published documents (/health, /ready, /metrics)',
  history: 'snapshots in the store, newest first',
  diff: 'what changed between two snapshots',
  verify: 're-hash snapshots, walk the previousRunId chain, check signatures',
  prune: 'remove snapshots older than N days',
  report: 'an HTML or Markdown report of a time range (resources over time, changes, failed runs, verify)',
  simulate: 'the Confluent Cloud simulator (for tests, benchmarks and trying a setup)',
  demo: 'simulator + one publish into ./data + the server on 127.0.0.1:8080',
};

/** The words besides the commands: help and version, each with its flag spellings. */
const HELP_WORDS = ['help', '--help', '-h'];
const VERSION_WORDS = ['version', '--version', '-V', '-v'];

export function usage(): string {
  return [
    `confluent-sd ${VERSION}: Prometheus http_sd documents for every Confluent Cloud resource`,
    '',
    'usage: confluent-sd <command> [flags]',
    '',
    'commands:',
    ...Object.keys(COMMANDS).map((name) => `  ${name.padEnd(10)}${SUMMARIES[name] ?? ''}`),
    `  ${'help'.padEnd(10)}this text; help <command> (or <command> --help) prints a command's flags`,
    `  ${'version'.padEnd(10)}print the version (also -V, --version)`,
    '',
    'exit codes: 0 ok · 1 failed · 2 bad configuration or usage · 3 refused by a guard',
  ].join('\n');
}

export async function main(io: CommandIO): Promise<number> {
  const [name, ...rest] = io.argv;
  if (name === undefined) {
    io.stdout.write(`${usage()}\n`);
    return EXIT.config;
  }
  if (HELP_WORDS.includes(name)) return printHelp(io, rest[0]);
  if (VERSION_WORDS.includes(name)) {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const load = COMMANDS[name];
  if (!load) return reportUnknown(io, name);
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(`${command.help.trimEnd()}\n`);
    return EXIT.ok;
  }
  return runCommand(name, command, { ...io, argv: rest });
}

/** `help` alone: the overview; `help <command>`: that command's own help. */
async function printHelp(io: CommandIO, topic: string | undefined): Promise<number> {
  if (topic === undefined || HELP_WORDS.includes(topic)) {
    io.stdout.write(`${usage()}\n`);
    return EXIT.ok;
  }
  if (VERSION_WORDS.includes(topic)) {
    io.stdout.write(
      'usage: confluent-sd version     (also -V, --version)\n\nprints the version and exits 0\n',
    );
    return EXIT.ok;
  }
  const load = COMMANDS[topic];
  if (!load) return reportUnknown(io, topic);
  io.stdout.write(`${(await load()).help.trimEnd()}\n`);
  return EXIT.ok;
}

/** An unknown command or top-level flag: named, with the closest known one, then the overview. */
function reportUnknown(io: CommandIO, word: string): number {
  const isFlag = word.startsWith('-');
  const known = isFlag
    ? [...HELP_WORDS, ...VERSION_WORDS].filter((w) => w.startsWith('--'))
    : [...Object.keys(COMMANDS), 'help', 'version'];
  const near = closestWord(word, known);
  const hint = near ? ` (did you mean "${near}"?)` : '';
  io.stderr.write(`confluent-sd: unknown ${isFlag ? 'flag' : 'command'} "${word}"${hint}\n\n${usage()}\n`);
  return EXIT.config;
}

/**
 * Runs a command: reads the variables of the process once, parses the arguments, validates the parts the command
 * declares, and runs it. The one place a failure is reported: logged once (when the command had started) and
 * printed as `confluent-sd <command>: <CODE>: <message>`, with the exit code of its code.
 */
export async function runCommand(name: string, command: Command, io: CommandIO): Promise<number> {
  let log: Logger | undefined;
  try {
    const ctx = createCommandContext(command, io, readProgramVars(io.env, io.cwd));
    log = ctx.log;
    return await command.run(ctx);
  } catch (err) {
    const code = Math.max(exitCodeFor(err), command.minFailureExit ?? EXIT.ok);
    logFailure(log, name, err, code);
    const label = isAppError(err) ? `${err.code}: ` : '';
    io.stderr.write(`confluent-sd ${name}: ${label}${describeError(err)}\n`);
    return code;
  }
}

/**
 * One log line per failure. A known failure (an AppError) is a fact, logged by code and message; a guard refusal
 * is a policy outcome (warn); only an unexpected error — a bug — carries its stack.
 */
function logFailure(log: Logger | undefined, name: string, err: unknown, exitCode: number): void {
  if (!log) return;
  if (!isAppError(err)) {
    log.error({ err, exitCode }, `${name} failed`);
    return;
  }
  const fields = { code: err.code, error: describeError(err), exitCode };
  if (exitCode === EXIT.guard) log.warn(fields, `${name} refused by a guard`);
  else log.error(fields, `${name} failed`);
}

// argv[1] may be a symlink (npm bin links, /usr/local/bin in the image): compare real paths.
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}
if (isEntryPoint()) {
  // The AWS SDK warns on every S3 client under Node < 22 that SDK releases after January 2027 will need Node 22;
  // this build pins its SDK, runs on Node >= 20.19 and ships on Node 24 (README, Requirements). An explicit setting wins.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) process.exit(128 + (sig === 'SIGINT' ? 2 : 15));
    controller.abort(new Error(`received ${sig}`));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  main({
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`confluent-sd: ${describeError(err)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
