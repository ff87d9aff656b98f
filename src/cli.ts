#!/usr/bin/env node
/**
 * confluent-sd: one binary, one sub-command per job (DESIGN §6). Exit codes: 0 ok · 1 failed · 2 bad config or
 * usage · 3 refused by a guard.
 */
import { realpathSync } from 'node:fs';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import type { Command, CommandContext } from './command.js';
import { describeError, EXIT, exitCodeFor, isAppError } from './errors.js';
import { VERSION } from './version.js';

type Loader = () => Promise<Command>;

// Loaded lazily so `serve` does not pay for the AWS SDK's start-up unless it needs it, and so on.
export const COMMANDS: Record<string, Loader> = {};

export function usage(): string {
  return [
    `confluent-sd ${VERSION}: Prometheus http_sd documents for every Confluent Cloud resource`,
    '',
    'usage: confluent-sd <command> [flags]     (confluent-sd <command> --help for details)',
    '',
    'commands:',
    ...Object.keys(COMMANDS).map((name) => `  ${name}`),
    '',
    'exit codes: 0 ok · 1 failed · 2 bad configuration or usage · 3 refused by a guard',
  ].join('\n');
}

export async function main(ctx: Omit<CommandContext, 'argv'> & { argv: string[] }): Promise<number> {
  const [name, ...rest] = ctx.argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    ctx.stdout.write(`${usage()}\n`);
    return name === undefined ? EXIT.config : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    ctx.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const load = COMMANDS[name];
  if (!load) {
    ctx.stderr.write(`confluent-sd: unknown command "${name}"\n\n${usage()}\n`);
    return EXIT.config;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    ctx.stdout.write(`${command.help.trimEnd()}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run({ ...ctx, argv: rest });
  } catch (err) {
    // The one place an unhandled command error is reported; commands log their own failures with context.
    const code = exitCodeFor(err);
    const label = isAppError(err) ? `${err.code}: ` : '';
    ctx.stderr.write(`confluent-sd ${name}: ${label}${describeError(err)}\n`);
    return code;
  }
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
