/**
 * Configuration: defaults < file (`SD_CONFIG_FILE`, YAML with the same variable names) < environment.
 * Parsed once, every bad field reported together (exit 2 before any network call), then frozen.
 * Each command asks only for the parts it needs, and each component gets only its slice.
 * Nothing else in the program reads `process.env`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import cron from 'node-cron';
import { parse as parseYaml } from 'yaml';
import { documentName } from './bucket/document-name.js';
import { AppError } from './errors.js';
import type { LogFormat, LogLevel } from './log.js';
import { type Combination, checkPrefix, parseTargetList } from './render/combination.js';

export type Env = Record<string, string | undefined>;

export interface ConfluentConfig {
  apiKey: string;
  apiSecret: string;
  apiUrl: string;
  telemetryUrl: string;
  timeoutMs: number;
  concurrency: number;
  retries: number;
}

export type StoreConfig =
  | { kind: 'file'; dir: string }
  | { kind: 's3'; bucket: string; prefix: string; endpoint?: string; region: string };

export type ParamStyle = 'underscore' | 'dotted';
export type GroupBy = 'resource' | 'environment';

export interface RenderConfig {
  combinations: Combination[];
  paramStyle: ParamStyle;
  groupBy: GroupBy;
  batchSize: number;
}

export interface PublishConfig {
  maxShrink: number;
}

export interface ScheduleConfig {
  expression: string;
}

export interface ServeConfig {
  host: string;
  port: number;
  auth: 'on' | 'off';
  bearerTokens: string[];
  bearerTokenFile?: string;
  /** Requests per minute per client IP; 0 turns the limit off. */
  rateLimitPerMinute: number;
  reloadIntervalMs: number;
}

export interface LogConfig {
  level: LogLevel;
  format: LogFormat;
}

export interface Config {
  confluent: ConfluentConfig;
  store: StoreConfig;
  render: RenderConfig;
  publish: PublishConfig;
  schedule: ScheduleConfig;
  serve: ServeConfig;
  log: LogConfig;
}
export type ConfigPart = keyof Config;

export const DEFAULTS = {
  CONFLUENT_API_URL: 'https://api.confluent.cloud',
  CONFLUENT_TELEMETRY_URL: 'https://api.telemetry.confluent.cloud',
  SD_API_TIMEOUT_MS: '30000',
  SD_API_CONCURRENCY: '8',
  SD_API_RETRIES: '6',
  SD_STORE: 'file:./data',
  AWS_REGION: 'us-east-1',
  SD_TARGETS: 'api.telemetry.confluent.cloud',
  SD_PREFIXES: ',confluent_',
  SD_PARAM_STYLE: 'underscore',
  SD_GROUP_BY: 'resource',
  SD_BATCH_SIZE: '50',
  SD_MAX_SHRINK: '0.5',
  SD_SCHEDULE: '*/30 * * * *',
  SD_LISTEN: '0.0.0.0:8080',
  SD_AUTH: 'on',
  SD_RATE_LIMIT: '600',
  SD_RELOAD_INTERVAL_MS: '2000',
  LOG_LEVEL: 'info',
  LOG_FORMAT: 'json',
} as const;

/** Every variable the program reads (k8s manifests are checked against this list). */
export const ENV_VARIABLES = [
  ...Object.keys(DEFAULTS),
  'SD_CONFIG_FILE',
  'CONFLUENT_API_KEY',
  'CONFLUENT_API_SECRET',
  'S3_ENDPOINT',
  'CACHE_DURATION',
  'SD_BEARER_TOKENS',
  'SD_BEARER_TOKEN_FILE',
  // read by the AWS SDK's default credential chain
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
] as const;

type Problems = string[];

class Reader {
  constructor(
    private readonly vars: Env,
    readonly problems: Problems,
  ) {}

  raw(name: string): string | undefined {
    const v = this.vars[name];
    return v === undefined ? undefined : v;
  }

  str(name: string): string {
    return this.raw(name) ?? (DEFAULTS as Record<string, string>)[name] ?? '';
  }

  required(name: string, what: string): string {
    const v = this.raw(name)?.trim();
    if (!v) {
      this.problems.push(`${name} is required (${what})`);
      return '';
    }
    return v;
  }

  int(name: string, min: number, max: number): number {
    const text = this.str(name).trim();
    const n = Number(text);
    if (!/^-?\d+$/.test(text) || n < min || n > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}, got "${text}"`);
      return min;
    }
    return n;
  }

  num(name: string, min: number, max: number): number {
    const text = this.str(name).trim();
    const n = Number(text);
    if (text === '' || !Number.isFinite(n) || n < min || n > max) {
      this.problems.push(`${name} must be a number from ${min} to ${max}, got "${text}"`);
      return min;
    }
    return n;
  }

  oneOf<T extends string>(name: string, values: readonly T[]): T {
    const v = this.str(name).trim();
    if (!(values as readonly string[]).includes(v)) {
      this.problems.push(`${name} must be one of ${values.join(', ')}, got "${v}"`);
      return values[0] as T;
    }
    return v as T;
  }

  url(name: string): string {
    const v = this.str(name).trim();
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
      if (u.username || u.password) {
        this.problems.push(`${name} must not carry credentials in the URL`);
      }
      return v.replace(/\/+$/, '');
    } catch {
      this.problems.push(`${name} must be an http(s) URL, got "${v}"`);
      return v;
    }
  }
}

function readConfluent(r: Reader): ConfluentConfig {
  return {
    apiKey: r.required('CONFLUENT_API_KEY', 'the Cloud API key id'),
    apiSecret: r.required('CONFLUENT_API_SECRET', 'the Cloud API key secret'),
    apiUrl: r.url('CONFLUENT_API_URL'),
    telemetryUrl: r.url('CONFLUENT_TELEMETRY_URL'),
    timeoutMs: r.int('SD_API_TIMEOUT_MS', 100, 600_000),
    concurrency: r.int('SD_API_CONCURRENCY', 1, 256),
    retries: r.int('SD_API_RETRIES', 0, 20),
  };
}

export function parseStoreUrl(text: string, problems: Problems, cwd: string, env: Reader): StoreConfig {
  const v = text.trim();
  if (v.startsWith('file:')) {
    const dir = v.slice('file:'.length).replace(/^\/\/(?=\/)/, '');
    if (dir === '') problems.push('SD_STORE file: needs a directory, e.g. file:./data');
    return { kind: 'file', dir: path.resolve(cwd, dir || '.') };
  }
  if (v.startsWith('s3://')) {
    const rest = v.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash === -1 ? rest : rest.slice(0, slash);
    const prefix = slash === -1 ? '' : rest.slice(slash + 1).replace(/^\/+|\/+$/g, '');
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      problems.push(`SD_STORE has an invalid bucket name "${bucket}" (s3://bucket/prefix)`);
    }
    if (prefix && !/^[A-Za-z0-9_.\-/]+$/.test(prefix)) {
      problems.push(`SD_STORE prefix "${prefix}" may only hold letters, digits, "_", ".", "-" and "/"`);
    }
    const endpointRaw = env.raw('S3_ENDPOINT')?.trim();
    const endpoint = endpointRaw ? env.url('S3_ENDPOINT') : undefined;
    return {
      kind: 's3',
      bucket,
      prefix,
      region: env.str('AWS_REGION').trim() || 'us-east-1',
      ...(endpoint ? { endpoint } : {}),
    };
  }
  problems.push(`SD_STORE must be file:<dir> or s3://<bucket>/<prefix>, got "${v}"`);
  return { kind: 'file', dir: path.resolve(cwd, 'data') };
}

function readRender(r: Reader): RenderConfig {
  const lists = r
    .str('SD_TARGETS')
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (lists.length === 0) r.problems.push('SD_TARGETS must name at least one target list');
  const targetLists: string[][] = [];
  for (const text of lists) {
    const { targets, problems } = parseTargetList(text);
    for (const p of problems) r.problems.push(`SD_TARGETS: ${p}`);
    if (problems.length === 0) targetLists.push(targets);
  }
  const prefixes = [
    ...new Set(
      r
        .str('SD_PREFIXES')
        .split(',')
        .map((p) => p.trim()),
    ),
  ];
  for (const p of prefixes) {
    const problem = checkPrefix(p);
    if (problem) r.problems.push(`SD_PREFIXES: ${problem}`);
  }
  const combinations: Combination[] = [];
  const names = new Map<string, string>();
  for (const targets of targetLists) {
    for (const prefix of prefixes) {
      if (checkPrefix(prefix)) continue;
      const c = { targets, prefix };
      const name = documentName(c);
      const other = names.get(name);
      const label = `targets=${targets.join(',')} prefix="${prefix}"`;
      if (other)
        r.problems.push(`SD_TARGETS/SD_PREFIXES: ${label} and ${other} share the document name "${name}"`);
      else names.set(name, label);
      combinations.push(c);
    }
  }
  return {
    combinations,
    paramStyle: r.oneOf('SD_PARAM_STYLE', ['underscore', 'dotted'] as const),
    groupBy: r.oneOf('SD_GROUP_BY', ['resource', 'environment'] as const),
    batchSize: r.int('SD_BATCH_SIZE', 1, 1000),
  };
}

/** `30m`, `2h`, `45s` → a cron expression; only intervals that divide the next unit evenly can be expressed. */
export function durationToCron(text: string): string | undefined {
  const m = /^(\d+)\s*([smh])$/.exec(text.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2];
  if (unit === 's' && n > 0 && 60 % n === 0) return n === 60 ? '0 * * * * *' : `*/${n} * * * * *`;
  if (unit === 'm' && n > 0 && 60 % n === 0) return n === 60 ? '0 * * * *' : `*/${n} * * * *`;
  if (unit === 'm' && n > 0 && n % 60 === 0 && 24 % (n / 60) === 0) return `0 */${n / 60} * * *`;
  if (unit === 'h' && n > 0 && 24 % n === 0) return n === 24 ? '0 0 * * *' : `0 */${n} * * *`;
  return undefined;
}

function readSchedule(r: Reader): ScheduleConfig {
  const explicit = r.raw('SD_SCHEDULE')?.trim();
  const duration = r.raw('CACHE_DURATION')?.trim();
  let expression: string = DEFAULTS.SD_SCHEDULE;
  if (explicit) expression = explicit;
  else if (duration) {
    const converted = durationToCron(duration);
    if (!converted) {
      r.problems.push(
        `CACHE_DURATION must be an interval such as 30m, 1h or 15s that divides an hour or a day evenly, got "${duration}"`,
      );
    } else expression = converted;
  }
  if (!cron.validate(expression))
    r.problems.push(`SD_SCHEDULE is not a valid cron expression: "${expression}"`);
  return { expression };
}

export function parseListen(text: string, problems: Problems): { host: string; port: number } {
  const m = /^(.*):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m?.[1] || port > 65535) {
    problems.push(`SD_LISTEN must be host:port such as 0.0.0.0:8080, got "${text}"`);
    return { host: '0.0.0.0', port: 8080 };
  }
  return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port };
}

function readServe(r: Reader): ServeConfig {
  const { host, port } = parseListen(r.str('SD_LISTEN'), r.problems);
  const auth = r.oneOf('SD_AUTH', ['on', 'off'] as const);
  const bearerTokens = (r.raw('SD_BEARER_TOKENS') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const bearerTokenFile = r.raw('SD_BEARER_TOKEN_FILE')?.trim() || undefined;
  if (auth === 'on' && bearerTokens.length === 0 && !bearerTokenFile) {
    r.problems.push('SD_BEARER_TOKENS or SD_BEARER_TOKEN_FILE is required (or set SD_AUTH=off explicitly)');
  }
  for (const t of bearerTokens) {
    if (t.length < 16 || /\s/.test(t)) {
      r.problems.push('SD_BEARER_TOKENS: every token must be at least 16 characters without white space');
      break;
    }
  }
  return {
    host,
    port,
    auth,
    bearerTokens,
    ...(bearerTokenFile ? { bearerTokenFile } : {}),
    rateLimitPerMinute: r.int('SD_RATE_LIMIT', 0, 10_000_000),
    reloadIntervalMs: r.int('SD_RELOAD_INTERVAL_MS', 100, 3_600_000),
  };
}

function readLog(r: Reader): LogConfig {
  return {
    level: r.oneOf('LOG_LEVEL', ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const),
    format: r.oneOf('LOG_FORMAT', ['json', 'pretty'] as const),
  };
}

function readFileVars(env: Env, problems: Problems): Env {
  const file = env.SD_CONFIG_FILE?.trim();
  if (!file) return {};
  let data: unknown;
  try {
    data = parseYaml(readFileSync(file, 'utf8'));
  } catch (err) {
    problems.push(`SD_CONFIG_FILE ${file}: ${err instanceof Error ? err.message : String(err)}`);
    return {};
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.push(`SD_CONFIG_FILE ${file}: must be a map of variable names to values`);
    return {};
  }
  const out: Env = {};
  for (const [k, v] of Object.entries(data)) {
    if (!(ENV_VARIABLES as readonly string[]).includes(k))
      problems.push(`SD_CONFIG_FILE ${file}: unknown key ${k}`);
    else if (k === 'CONFLUENT_API_SECRET' || k === 'SD_BEARER_TOKENS')
      problems.push(`SD_CONFIG_FILE ${file}: ${k} is a secret, set it in the environment`);
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else problems.push(`SD_CONFIG_FILE ${file}: ${k} must be a string`);
  }
  return out;
}

const READERS: { [P in ConfigPart]: (r: Reader, cwd: string) => Config[P] } = {
  confluent: readConfluent,
  store: (r, cwd) => parseStoreUrl(r.str('SD_STORE'), r.problems, cwd, r),
  render: readRender,
  publish: (r) => ({ maxShrink: r.num('SD_MAX_SHRINK', 0, 1) }),
  schedule: readSchedule,
  serve: readServe,
  log: readLog,
};

/**
 * Reads the parts a command needs. Throws one `CONFIG_INVALID` naming every bad field.
 * The result and its parts are frozen.
 */
export function loadConfig<P extends ConfigPart>(
  env: Env,
  parts: readonly P[],
  cwd: string = process.cwd(),
): Readonly<Pick<Config, P>> {
  const problems: Problems = [];
  const vars: Env = { ...readFileVars(env, problems), ...env };
  const r = new Reader(vars, problems);
  const out: Partial<Config> = {};
  for (const part of parts) (out as Record<string, unknown>)[part] = deepFreeze(READERS[part](r, cwd));
  if (problems.length > 0) {
    throw new AppError('CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return Object.freeze(out) as Pick<Config, P>;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
