/** `confluent-sd simulate`: runs the Confluent Cloud simulator until SIGTERM/SIGINT (DESIGN §8). */
import { type CommandContext, defineCommand, parseCommandArgs, writeLine } from '../command.js';
import { AppError } from '../errors.js';
import { logPart } from '../log.js';
import { isMetricsLimitsName, METRICS_LIMITS_NAMES, type MetricsLimitsName } from './metrics-limits.js';
import { countResources, DEFAULT_SIZES, describeCounts } from './org.js';
import { MAX_ORGANIZATIONS, type SimulatorOptions, startSimulator } from './server.js';
import {
  DEFAULT_RUNTIME_CONFIG,
  DESCRIPTOR_REVISIONS,
  type DescriptorRevision,
  FAULT_KINDS,
  type FaultKind,
  isFaultKind,
  MAX_TIME_SCALE,
} from './sim-config.js';

const DEFAULT_PORT = 8090;

const OPTIONS = {
  port: { type: 'string' },
  host: { type: 'string' },
  seed: { type: 'string' },
  organizations: { type: 'string' },
  environments: { type: 'string' },
  'kafka-per-env': { type: 'string' },
  'connectors-per-cluster': { type: 'string' },
  'ksql-per-env': { type: 'string' },
  'compute-pools-per-env': { type: 'string' },
  'custom-connectors-per-env': { type: 'string' },
  'no-schema-registry': { type: 'boolean' },
  'schema-registry-unavailable': { type: 'boolean' },
  'latency-ms': { type: 'string' },
  'fault-rate': { type: 'string' },
  'fault-kinds': { type: 'string' },
  'rate-limit': { type: 'string' },
  'page-token-ttl-ms': { type: 'string' },
  'fault-timeout-ms': { type: 'string' },
  'metrics-limits': { type: 'string' },
  'time-scale': { type: 'string' },
  'resource-descriptors': { type: 'string' },
  'api-key': { type: 'string' },
  'api-secret': { type: 'string' },
} as const;

const HELP = `usage: confluent-sd simulate [flags]

Runs a Confluent Cloud simulator (control plane, Metrics API, admin API under /_sim/) on one port,
serving organisations generated from a seed, one per API key. Prints "listening on http://<host>:<port>" when ready
and runs until SIGTERM/SIGINT. See docs/simulator.md.

flags:
  --port N                   port to listen on, 0 = any free port (default ${DEFAULT_PORT})
  --host H                   address to bind (default 127.0.0.1)
  --seed N                   organisation seed, integer 0..4294967295 (default 1)
  --organizations N          organisations, each with its own key: the first with --api-key/--api-secret,
                             the n-th with "-n" appended to both (sim-key-2 / sim-secret-2) and seed + n - 1
                             (default 1)
  --environments N           environments (default ${DEFAULT_SIZES.environments})
  --kafka-per-env N          Kafka clusters per environment (default ${DEFAULT_SIZES.kafkaPerEnv})
  --connectors-per-cluster N connectors per Kafka cluster (default ${DEFAULT_SIZES.connectorsPerCluster})
  --ksql-per-env N           ksqlDB clusters per environment (default ${DEFAULT_SIZES.ksqlPerEnv})
  --compute-pools-per-env N  Flink compute pools per environment (default ${DEFAULT_SIZES.computePoolsPerEnv})
  --custom-connectors-per-env N  custom connectors per environment, on its first Kafka cluster (default ${DEFAULT_SIZES.customConnectorsPerEnv})
  --no-schema-registry       no Schema Registry anywhere (default: in most environments)
  --schema-registry-unavailable  the Schema Registry list answers 403 everywhere (Confluent Cloud for Government)
  --latency-ms N             delay added to every request (default 0)
  --fault-rate R             share 0..1 of API requests answered with a transient fault (default 0)
  --fault-kinds LIST         faults to pick from, comma-separated: ${FAULT_KINDS.join(',')} (default all)
  --rate-limit N             requests per second, then 429 with Retry-After; 0 = off (default 0)
  --page-token-ttl-ms N      page tokens older than this answer 400 (default ${DEFAULT_RUNTIME_CONFIG.pageTokenTtlMs})
  --fault-timeout-ms N       how long a timeout fault holds a request (default ${DEFAULT_RUNTIME_CONFIG.faultTimeoutMs})
  --metrics-limits SET       Metrics API limits to enforce: none, 2025 or 2026 (default none)
  --time-scale N             one simulated minute lasts 60/N seconds, for the limits' windows (default 1)
  --resource-descriptors R   the Metrics API's resource types: current, or 2022 (no compute_pool, no
                             cloud-custom dataset) (default current)
  --api-key K, --api-secret S  the accepted basic-auth credentials (default sim-key / sim-secret)

env: LOG_LEVEL, LOG_FORMAT
exit codes: 0 stopped by a signal · 2 bad flags or the port cannot be bound
`;

type Values = Record<string, string | boolean | undefined>;

function integerFlag(
  values: Values,
  name: string,
  min: number,
  max: number,
  problems: string[],
): number | undefined {
  const text = values[name];
  if (typeof text !== 'string') return undefined;
  const n = /^-?\d+$/.test(text.trim()) ? Number(text) : Number.NaN;
  if (!(Number.isSafeInteger(n) && n >= min && n <= max)) {
    problems.push(`--${name} must be an integer from ${min} to ${max} (got "${text}")`);
    return undefined;
  }
  return n;
}

function faultRateFlag(values: Values, problems: string[]): number | undefined {
  const text = values['fault-rate'];
  if (typeof text !== 'string') return undefined;
  const rate = /^\d*\.?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (rate >= 0 && rate <= 1) return rate;
  problems.push(`--fault-rate must be a number from 0 to 1 (got "${text}")`);
  return undefined;
}

function faultKindsFlag(values: Values, problems: string[]): FaultKind[] | undefined {
  const text = values['fault-kinds'];
  if (typeof text !== 'string') return undefined;
  const kinds = text.split(',').map((k) => k.trim());
  const known = kinds.filter(isFaultKind);
  if (known.length > 0 && known.length === kinds.length) return known;
  problems.push(`--fault-kinds must list some of ${FAULT_KINDS.join(',')} (got "${text}")`);
  return undefined;
}

function metricsLimitsFlag(values: Values, problems: string[]): MetricsLimitsName | undefined {
  const text = values['metrics-limits'];
  if (typeof text !== 'string') return undefined;
  if (isMetricsLimitsName(text)) return text;
  problems.push(`--metrics-limits must be one of ${METRICS_LIMITS_NAMES.join(', ')} (got "${text}")`);
  return undefined;
}

function descriptorsFlag(values: Values, problems: string[]): DescriptorRevision | undefined {
  const text = values['resource-descriptors'];
  if (typeof text !== 'string') return undefined;
  const revision = DESCRIPTOR_REVISIONS.find((r) => r === text);
  if (revision) return revision;
  problems.push(`--resource-descriptors must be one of ${DESCRIPTOR_REVISIONS.join(', ')} (got "${text}")`);
  return undefined;
}

function timeScaleFlag(values: Values, problems: string[]): number | undefined {
  const text = values['time-scale'];
  if (typeof text !== 'string') return undefined;
  const scale = /^\d*\.?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (scale >= 1 && scale <= MAX_TIME_SCALE) return scale;
  problems.push(`--time-scale must be a number from 1 to ${MAX_TIME_SCALE} (got "${text}")`);
  return undefined;
}

function textFlag(values: Values, name: string, problems: string[]): string | undefined {
  const text = values[name];
  if (typeof text !== 'string') return undefined;
  if (text !== '') return text;
  problems.push(`--${name} must not be empty`);
  return undefined;
}

/** Flags → simulator options; every bad flag named in one USAGE error. */
export function parseSimulateFlags(argv: string[]): SimulatorOptions & { port: number } {
  const { values } = parseCommandArgs(argv, OPTIONS);
  const problems: string[] = [];
  const options: SimulatorOptions = {};
  const set = <K extends keyof SimulatorOptions>(key: K, value: SimulatorOptions[K] | undefined) => {
    if (value !== undefined) options[key] = value;
  };
  set('seed', integerFlag(values, 'seed', 0, 4_294_967_295, problems));
  set('organizations', integerFlag(values, 'organizations', 1, MAX_ORGANIZATIONS, problems));
  set('environments', integerFlag(values, 'environments', 0, 100_000, problems));
  set('kafkaPerEnv', integerFlag(values, 'kafka-per-env', 0, 10_000, problems));
  set('connectorsPerCluster', integerFlag(values, 'connectors-per-cluster', 0, 10_000, problems));
  set('ksqlPerEnv', integerFlag(values, 'ksql-per-env', 0, 10_000, problems));
  set('computePoolsPerEnv', integerFlag(values, 'compute-pools-per-env', 0, 10_000, problems));
  set('customConnectorsPerEnv', integerFlag(values, 'custom-connectors-per-env', 0, 10_000, problems));
  set('latencyMs', integerFlag(values, 'latency-ms', 0, 600_000, problems));
  set('rateLimit', integerFlag(values, 'rate-limit', 0, 1_000_000, problems));
  set('pageTokenTtlMs', integerFlag(values, 'page-token-ttl-ms', 1, 86_400_000, problems));
  set('faultTimeoutMs', integerFlag(values, 'fault-timeout-ms', 1, 86_400_000, problems));
  if (values['no-schema-registry']) options.schemaRegistry = false;
  if (values['schema-registry-unavailable']) options.schemaRegistryUnavailable = true;
  set('faultRate', faultRateFlag(values, problems));
  set('faultKinds', faultKindsFlag(values, problems));
  set('metricsLimits', metricsLimitsFlag(values, problems));
  set('timeScale', timeScaleFlag(values, problems));
  set('resourceDescriptors', descriptorsFlag(values, problems));
  set('host', textFlag(values, 'host', problems));
  set('apiKey', textFlag(values, 'api-key', problems));
  set('apiSecret', textFlag(values, 'api-secret', problems));
  const port = integerFlag(values, 'port', 0, 65_535, problems) ?? DEFAULT_PORT;
  if (problems.length > 0) throw new AppError('USAGE', `simulate: ${problems.join('; ')}`);
  return { ...options, port };
}

type SimulateFlags = ReturnType<typeof parseSimulateFlags>;

async function runSimulate(ctx: CommandContext<SimulateFlags>): Promise<number> {
  const { log } = ctx;
  const sim = await startSimulator({ ...ctx.args, log });
  try {
    const counts = countResources(sim.org);
    log.info(
      { url: sim.url, seed: sim.org.seed, resources: counts.total, environments: counts.environments },
      'simulator listening',
    );
    writeLine(ctx.stdout, `listening on ${sim.url}`);
    for (const o of sim.organizations) {
      const key = sim.organizations.length > 1 ? ` (key ${o.apiKey})` : '';
      writeLine(
        ctx.stdout,
        `organisation seed ${o.org.seed}${key}: ${describeCounts(countResources(o.org))}`,
      );
    }
    const { metricsLimits, timeScale } = sim.config();
    if (metricsLimits !== 'none') {
      writeLine(ctx.stdout, `metrics limits ${metricsLimits}, time scale ${timeScale}`);
    }
    await new Promise<void>((resolve) => {
      if (ctx.signal.aborted) resolve();
      else ctx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    log.info({ stats: sim.stats() }, 'simulator stopping');
  } finally {
    await sim.close();
  }
  return 0;
}

export const simulateCommand = defineCommand({
  summary: 'run the Confluent Cloud simulator (control plane, Metrics API, admin API)',
  help: HELP,
  parseArgs: parseSimulateFlags,
  config: { log: logPart },
  run: runSimulate,
});
