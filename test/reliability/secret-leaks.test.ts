/**
 * The leak scan (issues 14.3 and 16.2): `confluent-sd publish` runs as a child process, at every log level, behind
 * gateways that echo what they were sent — the Confluent API's `Authorization: Basic <base64 key:secret>`, the key
 * and secret decoded, S3's signed headers, the session token, and the secrets themselves — in error bodies, in
 * `message`s and in response headers. Three cases: every first request fails with an echo and the run publishes;
 * the Confluent API refuses every request (401); S3 refuses every write (403). Afterwards no form of any secret
 * (raw, URL-encoded, base64, base64 of key:secret) may appear on stdout, stderr (the log), in `status.json` or in
 * any object of the store. The secrets come from `_FILE`s for one case and from variables for the others.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { createS3Store } from '../../src/store/s3-store.js';
import { type EchoPolicy, type EchoUpstream, startEchoUpstream } from '../helpers/echo-upstream.js';
import { type ChildRun, runCliChild } from '../helpers/publish-child.js';
import { type S3rverHelper, startS3rver } from '../helpers/s3rver.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// characters that URL-encoding and base64 change, so each form is a different string
const API_KEY = 'LEAKKEY7Q2';
const API_SECRET = 'cflt/Secret+Value=42&more~x';
const AWS_SECRET = 'aws/Secret+Key=99&z';
const AWS_TOKEN = 'IQoJb3JpZ2luX2Vj/session+token==';
const LEVELS = (process.env.LEAK_LEVELS?.split(',') ?? [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
]) as readonly string[];

/** Every form in which a secret could be written out. */
function secretForms(): [string, string][] {
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
  const pair = b64(`${API_KEY}:${API_SECRET}`);
  const forms: [string, string][] = [
    ['base64 of key:secret', pair],
    ['base64 of key:secret without padding', pair.replace(/=+$/, '')],
  ];
  for (const [name, value] of [
    ['CONFLUENT_API_SECRET', API_SECRET],
    ['AWS_SECRET_ACCESS_KEY', AWS_SECRET],
    ['AWS_SESSION_TOKEN', AWS_TOKEN],
  ] as const) {
    forms.push(
      [name, value],
      [`${name} URL-encoded`, encodeURIComponent(value)],
      [`${name} base64`, b64(value)],
    );
    forms.push([`${name} JSON-escaped`, JSON.stringify(value).slice(1, -1)]);
  }
  return forms;
}

interface Ctx {
  sim: RunningSimulator;
  s3: S3rverHelper;
  dir: string;
  gates: EchoUpstream[];
  rows: string[][];
}

const t = suite<Ctx>('reliability: no secret echoed by an upstream reaches output, logs or the store');

t.before(async (ctx) => {
  ctx.sim = await startSimulator({
    apiKey: API_KEY,
    apiSecret: API_SECRET,
    environments: 1,
    kafkaPerEnv: 2,
    connectorsPerCluster: 1,
    ksqlPerEnv: 1,
    computePoolsPerEnv: 1,
  });
  ctx.s3 = await startS3rver();
  ctx.dir = await mkdtemp(path.join(os.tmpdir(), 'sd-leaks-'));
  ctx.gates = [];
  ctx.rows = [];
});
t.after(async (ctx) => {
  for (const g of ctx.gates) await g.close();
  await ctx.sim.close();
  await ctx.s3.close();
  await rm(ctx.dir, { recursive: true, force: true });
});

/** A gateway echoes what it was sent, and (a worst case) the secrets of the client it serves. */
async function gate(ctx: Ctx, origin: string, policy: EchoPolicy, secrets: string[]): Promise<EchoUpstream> {
  const g = await startEchoUpstream(origin, policy, secrets);
  ctx.gates.push(g);
  return g;
}

interface Case {
  name: string;
  confluent: EchoPolicy;
  s3: EchoPolicy;
  wantCode: number;
  /** status.json reaches the store. */
  wantStatus: boolean;
  /** Secrets as `<name>_FILE` instead of variables. */
  files?: boolean;
}

const FORMATS = ['json', 'text'] as const;

function alternatePuts(): EchoPolicy {
  let puts = 0;
  return (req) => (req.method === 'PUT' && puts++ % 2 === 0 ? { status: 503, format: 'xml' } : undefined);
}
const CASES: Case[] = [
  {
    name: 'every first request echoes, then publishes',
    // the first request of each path fails (500 or 503, JSON or text), its retry reaches the simulator
    confluent: (req, i) =>
      i === 0
        ? {
            status: req.url?.includes('environments') ? 503 : 500,
            format: FORMATS[(req.url?.length ?? 0) % 2] ?? 'json',
          }
        : undefined,
    // every other PUT (a probe's key is new on each attempt, so "the first of each key" would never let one through)
    s3: alternatePuts(),
    wantCode: 0,
    wantStatus: true,
    files: true,
  },
  {
    name: 'the Confluent API refuses every request (401) with an echo',
    confluent: () => ({ status: 401, format: 'json' }),
    s3: () => undefined,
    wantCode: 1,
    wantStatus: true,
  },
  {
    name: 'S3 refuses every write (403) with an echo',
    confluent: () => undefined,
    s3: (req) => (req.method === 'PUT' ? { status: 403, format: 'xml' } : undefined),
    wantCode: 1,
    wantStatus: false,
  },
];

async function secretEnv(ctx: Ctx, files: boolean, id: string): Promise<Record<string, string>> {
  const values = {
    CONFLUENT_API_KEY: API_KEY,
    CONFLUENT_API_SECRET: API_SECRET,
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: AWS_SECRET,
    AWS_SESSION_TOKEN: AWS_TOKEN,
  };
  if (!files) return values;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const file = path.join(ctx.dir, `${id}-${name}`);
    await writeFile(file, `${value}\n`);
    env[`${name}_FILE`] = file;
  }
  return env;
}

/** Every object under the prefix, read straight from s3rver (not through a gateway). */
async function storeText(ctx: Ctx, prefix: string): Promise<string> {
  const store = createS3Store({
    bucket: ctx.s3.bucket,
    prefix,
    region: 'us-east-1',
    endpoint: ctx.s3.endpoint,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    const parts: string[] = [];
    for (const o of await store.list(''))
      parts.push(`${o.key}\n${(await store.get(o.key)).body.toString('utf8')}`);
    return parts.join('\n');
  } finally {
    await store.close();
  }
}

function leaksIn(where: string, text: string): string[] {
  return secretForms()
    .filter(([, form]) => text.includes(form))
    .map(([name, form]) => {
      const line = text.split('\n').find((l) => l.includes(form)) ?? '';
      return `${name} in ${where}: ${line.slice(0, 400)}`;
    });
}

async function runCase(
  ctx: Ctx,
  c: Case,
  level: string,
  n: number,
): Promise<{ run: ChildRun; leaks: string[] }> {
  const api = await gate(ctx, ctx.sim.url, c.confluent, [API_SECRET]);
  const s3 = await gate(ctx, ctx.s3.endpoint, c.s3, [AWS_SECRET, AWS_TOKEN]);
  const prefix = `leaks-${level}-${n}`;
  const run = await runCliChild(['publish'], {
    env: {
      ...(await secretEnv(ctx, c.files === true, prefix)),
      CONFLUENT_API_URL: api.url,
      CONFLUENT_TELEMETRY_URL: api.url,
      SD_API_RETRIES: '2',
      SD_STORE: `s3://${ctx.s3.bucket}/${prefix}`,
      S3_ENDPOINT: s3.url,
      AWS_REGION: 'us-east-1',
      LOG_LEVEL: level,
    },
    timeoutMs: 120_000,
  });
  assert.ok(api.echoed() + s3.echoed() > 0, `${c.name}: the gateways echoed\n${run.stderr.slice(-2000)}`);
  const stored = await storeText(ctx, prefix);
  // what is scanned: status.json (when the store takes writes) and, after a published run, the snapshot
  assert.is(stored.includes('status.json\n'), c.wantStatus, `${c.name}: status.json written`);
  if (c.wantCode === 0) assert.ok(stored.includes('manifest.json\n'), `${c.name}: a manifest written`);
  const leaks = [
    ...leaksIn('stdout', run.stdout),
    ...leaksIn('stderr', run.stderr),
    ...leaksIn('the store', stored),
  ];
  return { run, leaks };
}

for (const level of LEVELS) {
  t(`LOG_LEVEL=${level}: no secret in stdout, stderr, status.json or the store`, async (ctx) => {
    const results = await Promise.all(CASES.map((c, n) => runCase(ctx, c, level, n)));
    const leaks: string[] = [];
    CASES.forEach((c, n) => {
      const { run, leaks: found } = results[n] as { run: ChildRun; leaks: string[] };
      assert.is(run.code, c.wantCode, `${c.name}\n${run.stderr.slice(-3000)}`);
      leaks.push(...found.map((l) => `${c.name}: ${l}`));
      ctx.rows.push([level, c.name, String(run.code), String(run.logs.length), String(found.length)]);
    });
    assert.equal(leaks, [], leaks.join('\n'));
  });
}

t('the scan', (ctx) => {
  process.stdout.write(
    `\n  level  | case | exit | log lines | leaks\n${ctx.rows.map((r) => `  ${r.join(' | ')}`).join('\n')}\n`,
  );
});

t.run();
