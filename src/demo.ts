/**
 * `confluent-sd demo`: the whole pipeline on one machine without a Confluent account — the simulator, one publish
 * into a local directory, and the server — then a curl line and a Prometheus config that work against it.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import path from 'node:path';
import { documentName } from './bucket/document-name.js';
import { type CommandIO, defineCommand, parseCommandArgs, runSubcommand, writeLine } from './command.js';
import { withDefaults } from './config/part.js';
import { createConfigVars, type Env } from './config/vars.js';
import { AppError, EXIT } from './errors.js';
import { logPart } from './log.js';
import { publishCommand } from './publish/command.js';
import { serveCommand } from './serve/command.js';
import { startSimulator } from './simulator/server.js';

const HELP = `usage: confluent-sd demo [--port 8080] [--sim-port 8090] [--seed 7] [--data ./data] [--token T]

Starts the Confluent Cloud simulator (a generated organisation), publishes its documents once into a local
directory, serves them on 127.0.0.1, and prints a curl line and a Prometheus scrape config that point at it.
Runs until Ctrl-C. Nothing leaves the machine. Both ports are checked before anything starts.

flags:
  --port N       the server's port on 127.0.0.1 (default 8080)
  --sim-port N   the simulator's port on 127.0.0.1 (default 8090). The document name carries it
                 (confluent--127.0.0.1-8090), so a fixed port keeps the printed Prometheus config valid across
                 runs; 0 picks any free port, and a new name every run
  --seed N       the simulated organisation's seed (default 7)
  --data DIR     where the documents are published (default ./data)
  --token T      the bearer token to require (default: a random one, printed)

reads: LOG_LEVEL, LOG_FORMAT (default pretty for the demo)
exit: 0 after Ctrl-C · 1 a step failed · 2 bad flags`;

/** The simulator's default port: fixed, so the document name (it holds the target address) stays the same. */
export const DEFAULT_SIM_PORT = 8090;

function portFlag(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n > 65535)
    throw new AppError('USAGE', `--${name} must be a port from 0 to 65535`);
  return n;
}

async function waitForHealth(url: string, deadlineMs: number, serving: Promise<unknown>): Promise<void> {
  let failed: unknown;
  serving.catch((err: unknown) => {
    failed = err ?? new Error('server stopped');
  });
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (failed) throw failed;
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new AppError('CONFIG_INVALID', `the server did not answer ${url} within ${deadlineMs} ms`);
}

/**
 * Fails unless `port` can be bound on 127.0.0.1 right now, naming the port, what needs it and the flag that moves
 * it: checked before the simulator starts and before anything is published.
 */
export async function checkPortFree(port: number, what: string, flag: string): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  try {
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', () => resolve());
    });
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'EADDRINUSE' ? 'is in use' : 'cannot be opened';
    throw new AppError(
      'USAGE',
      `port ${port} on 127.0.0.1 (${what}) ${reason}: stop what listens there, or choose another port with ` +
        `${flag} N (make demo DEMO_FLAGS="${flag} N")`,
      { cause: err },
    );
  } finally {
    await new Promise((resolve) => probe.close(resolve));
  }
}

interface DemoArgs {
  port: number;
  simPort: number;
  seed: number;
  data: string;
  token: string;
}

function parseDemoArgs(argv: string[]): DemoArgs {
  const { values } = parseCommandArgs(argv, {
    port: { type: 'string' },
    'sim-port': { type: 'string' },
    seed: { type: 'string', default: '7' },
    data: { type: 'string', default: './data' },
    token: { type: 'string' },
  });
  const port = portFlag(values.port, 8080, 'port');
  const simPort = portFlag(values['sim-port'], DEFAULT_SIM_PORT, 'sim-port');
  if (port !== 0 && port === simPort) throw new AppError('USAGE', '--port and --sim-port must differ');
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new AppError('USAGE', '--seed must be a whole number');
  const token = values.token ?? randomBytes(24).toString('base64url');
  if (token.length < 16) throw new AppError('USAGE', '--token must be at least 16 characters');
  return { port, simPort, seed, data: values.data, token };
}

/** The curl lines and the Prometheus config that work against the running demo. */
function formatInstructions(base: string, target: string, token: string, dataDir: string): string {
  const doc = documentName({ targets: [target], prefix: 'confluent_' });
  return [
    '',
    `server: ${base} (documents in ${dataDir})`,
    '',
    'try it:',
    `  curl -s -H 'Authorization: Bearer ${token}' '${base}/discovery?targets=${target}&prefix=confluent_'`,
    `  curl -s -H 'Authorization: Bearer ${token}' ${base}/sd/${doc}.json`,
    `  curl -s ${base}/health`,
    '',
    "prometheus.yml (the targets scrape the simulator's Metrics API export endpoint):",
    'scrape_configs:',
    '  - job_name: confluent-cloud',
    '    scrape_interval: 1m',
    '    honor_timestamps: true',
    '    scheme: http            # https for api.telemetry.confluent.cloud',
    '    basic_auth: {username: sim-key, password: sim-secret}',
    '    http_sd_configs:',
    `      - url: ${base}/sd/${doc}.json`,
    '        refresh_interval: 1m',
    `        authorization: {type: Bearer, credentials: ${token}}`,
    '',
    'Ctrl-C stops the demo.',
  ].join('\n');
}

export const demoCommand = defineCommand({
  summary: 'simulator + one publish into ./data + the server on 127.0.0.1:8080',
  help: HELP,
  parseArgs: parseDemoArgs,
  // people watch the demo: pretty logs unless LOG_FORMAT says otherwise
  config: { log: withDefaults(logPart, { LOG_FORMAT: 'pretty' }) },
  async run(ctx) {
    const { port, simPort, seed, token } = ctx.args;
    const { log } = ctx;
    const dataDir = path.resolve(ctx.cwd, ctx.args.data);

    await checkPortFree(port, 'the server', '--port');
    await checkPortFree(simPort, 'the simulator', '--sim-port');
    const sim = await startSimulator({ seed, port: simPort, log: log.child({ component: 'simulator' }) });
    try {
      const target = `127.0.0.1:${sim.port}`;
      // the sub-commands see only these variables, not the caller's environment nor SD_CONFIG_FILE
      const env: Env = {
        LOG_LEVEL: ctx.config.log.level,
        LOG_FORMAT: ctx.config.log.format,
        CONFLUENT_API_KEY: 'sim-key',
        CONFLUENT_API_SECRET: 'sim-secret',
        CONFLUENT_API_URL: sim.url,
        CONFLUENT_TELEMETRY_URL: sim.url,
        SD_STORE: `file:${dataDir}`,
        SD_TARGETS: target,
        SD_LISTEN: `127.0.0.1:${port}`,
        SD_BEARER_TOKENS: token,
      };
      const vars = createConfigVars(env, ctx.cwd);
      const { cwd, stdout, stderr, signal } = ctx;
      const sub = (argv: string[]): CommandIO => ({ argv, env, cwd, stdout, stderr, signal, log });
      writeLine(ctx.stdout, `simulator: ${sim.url} (seed ${seed})`);
      const published = await runSubcommand(publishCommand, sub(['--force']), vars);
      if (published !== EXIT.ok) return published;

      const serving = runSubcommand(serveCommand, sub([]), vars);
      const base = `http://127.0.0.1:${port}`;
      await waitForHealth(`${base}/health`, 15_000, serving);
      writeLine(ctx.stdout, formatInstructions(base, target, token, dataDir));
      return await serving;
    } finally {
      await sim.close();
    }
  },
});
