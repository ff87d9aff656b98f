/**
 * A publish process killed with SIGKILL at each point of its run (during discovery, with each S3 PUT in flight,
 * as the file store's snapshot and latest/ start to change), then an unchanged run (the organisation latest/
 * names, as when it flaps back), then a new `confluent-sd publish`: latest/ always names a complete snapshot, the
 * unchanged run leaves every latest/ copy (documents and info documents) matching it, and the new run publishes
 * the right bytes.
 */
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { publishCommand } from '../../src/publish/command.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { createFileStore } from '../../src/store/file-store.js';
import type { Store } from '../../src/store/store.js';
import { type ChildRun, startCliChild } from '../helpers/publish-child.js';
import { checkPointer, printTable, runPublish } from '../helpers/reliability.js';
import { runCommand } from '../helpers/run-command.js';
import { createTestS3Store, S3RVER_CREDENTIALS, type S3rverHelper, startS3rver } from '../helpers/s3rver.js';

process.env.AWS_ACCESS_KEY_ID ??= S3RVER_CREDENTIALS.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY ??= S3RVER_CREDENTIALS.secretAccessKey;

// big enough that each document is a few hundred KB, so file writes take a moment
const SIZES = {
  environments: 10,
  kafkaPerEnv: 5,
  connectorsPerCluster: 10,
  ksqlPerEnv: 1,
  computePoolsPerEnv: 1,
};
const PUT_DELAY_MS = 150;

interface Ctx {
  simA: RunningSimulator;
  simB: RunningSimulator;
  s3: S3rverHelper;
  expected: Record<string, string>;
  dirs: string[];
  rows: string[][];
}

const t = suite<Ctx>('SIGKILL mid-publish');

t.before(async (ctx) => {
  ctx.dirs = [];
  ctx.rows = [];
  ctx.simA = await startSimulator({ seed: 31, port: 0, ...SIZES });
  ctx.simB = await startSimulator({ seed: 32, port: 0, ...SIZES });
  ctx.s3 = await startS3rver();
  const store = createFileStore(await tempDir(ctx));
  const run = await runPublish(ctx.simB, store);
  assert.is(run.outcome, 'published', run.error);
  ctx.expected = (await checkPointer(store)).documents;
});

t.after(async (ctx) => {
  await ctx.simA?.close();
  await ctx.simB?.close();
  await ctx.s3?.close();
  for (const d of ctx.dirs ?? []) await rm(d, { recursive: true, force: true });
  printTable(
    process.stdout,
    'SIGKILL during a publish (A published before; the killed run discovers B):',
    [
      'store',
      'killed when',
      'process',
      'latest/manifest.json then names',
      'latest/ copies that differ',
      'unchanged run (flap back)',
      'next run',
    ],
    ctx.rows ?? [],
  );
});

async function tempDir(ctx: Ctx): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sd-kill-'));
  ctx.dirs.push(dir);
  return dir;
}

function simEnv(sim: RunningSimulator): Record<string, string> {
  return {
    CONFLUENT_API_KEY: 'sim-key',
    CONFLUENT_API_SECRET: 'sim-secret',
    CONFLUENT_API_URL: sim.url,
    CONFLUENT_TELEMETRY_URL: sim.url,
    SD_API_TIMEOUT_MS: '5000',
    LOG_LEVEL: 'info',
  };
}

/** Starts `publish` of B as a child, kills it with SIGKILL once `when()` says so (polled every 2 ms). */
async function publishAndKill(
  env: Record<string, string>,
  when: () => boolean | Promise<boolean>,
): Promise<ChildRun> {
  const { child, done } = startCliChild(['publish'], {
    env: { ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    timeoutMs: 60_000,
  });
  let exited = false;
  void done.then(() => {
    exited = true;
  });
  const deadline = Date.now() + 60_000;
  while (!exited && Date.now() < deadline) {
    if (await when()) {
      child.kill('SIGKILL');
      break;
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  return done;
}

/** After the kill: the pointer names a complete snapshot (A's or B's); then a new run publishes B. */
async function checkAndRecover(
  ctx: Ctx,
  store: Store,
  env: Record<string, string>,
  runIdA: string | null,
  labels: [string, string],
  run: ChildRun,
): Promise<void> {
  const pointer = await checkPointer(store);
  assert.equal(pointer.problems, [], `${labels.join(', ')}: pointer`);
  let names: string;
  if (pointer.runId === runIdA) names = "A's snapshot (as before)";
  else {
    assert.equal(pointer.documents, ctx.expected, `${labels.join(', ')}: switched pointer names B`);
    names = "B's snapshot (complete)";
  }
  const stale = pointer.staleCopies.length;
  // the organisation flaps back to what latest/ names: an unchanged run, which must repair what the kill left
  const same = await runPublish(pointer.runId === runIdA ? ctx.simA : ctx.simB, store);
  assert.is(same.outcome, 'unchanged', `${labels.join(', ')}: flap back: ${same.error}`);
  const repaired = await checkPointer(store);
  assert.equal([repaired.problems, repaired.staleCopies], [[], []], `${labels.join(', ')}: after unchanged`);
  const next = await runCommand(publishCommand, [], env);
  assert.is(next.code, 0, `${labels.join(', ')}: next run: ${next.stderr}`);
  const after = await checkPointer(store);
  assert.equal([after.problems, after.documents, after.staleCopies], [[], ctx.expected, []]);
  ctx.rows.push([
    ...labels,
    run.signal === 'SIGKILL' ? 'killed (SIGKILL)' : `had already exited ${run.code}`,
    names,
    String(stale),
    `unchanged, ${repaired.staleCopies.length} differ`,
    next.stdout.trim().split(':')[0] ?? '',
  ]);
}

t('S3 store: killed during discovery and with each PUT in flight', async (ctx) => {
  const { s3 } = ctx;
  // how many PUTs `publish` of B over A makes (the store's write check included)
  const s3Env = (sim: RunningSimulator, prefix: string) => ({
    ...simEnv(sim),
    SD_STORE: `s3://${s3.bucket}/${prefix}`,
    S3_ENDPOINT: s3.endpoint,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
  });
  assert.is((await runCommand(publishCommand, [], s3Env(ctx.simA, 'control'))).code, 0);
  const base = s3.putCount();
  assert.is((await runCommand(publishCommand, [], s3Env(ctx.simB, 'control'))).code, 0);
  const puts = s3.putCount() - base;
  assert.is(
    puts,
    13,
    'write check, snapshot 2 + 2 info + manifest, latest 2 + 2 info + manifest, status, run log record',
  );

  const points: { label: string; when: (putsBefore: number) => () => boolean }[] = [
    { label: 'during discovery', when: () => () => ctx.simB.stats().requests >= 20 },
    ...Array.from({ length: puts }, (_, i) => ({
      label: `PUT ${i + 1} of ${puts} in flight`,
      when: (storedBefore: number) => () => s3.storedPuts() - storedBefore >= i + 1,
    })),
  ];
  for (const [i, point] of points.entries()) {
    const prefix = `kill-${i}`;
    const store = createTestS3Store(s3, prefix);
    try {
      const a = await runPublish(ctx.simA, store);
      assert.is(a.outcome, 'published', a.error);
      const env = s3Env(ctx.simB, prefix);
      ctx.simB.resetStats();
      ctx.simB.setConfig({ latencyMs: 20 });
      s3.setPutDelay(PUT_DELAY_MS);
      let run: ChildRun;
      try {
        run = await publishAndKill(env, point.when(s3.storedPuts()));
      } finally {
        s3.setPutDelay(0);
        ctx.simB.setConfig({ latencyMs: 0 });
      }
      assert.is(run.signal, 'SIGKILL', `${point.label}: the kill must land mid-run (${run.stderr})`);
      await checkAndRecover(ctx, store, env, a.snapshot, ['S3', point.label], run);
    } finally {
      await store.close();
    }
  }
});

/** Names of entries under `dir`, [] when it does not exist. */
async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

t('file store: killed as the snapshot and as latest/ start to change', async (ctx) => {
  const points: { label: string; when: (dir: string, runIdA: string) => Promise<() => Promise<boolean>> }[] =
    [
      {
        label: 'first entry of the new snapshots/<runId>/',
        when: async (dir, runIdA) => async () => {
          for (const run of await entries(path.join(dir, 'snapshots'))) {
            if (run !== runIdA && (await entries(path.join(dir, 'snapshots', run))).length > 0) return true;
          }
          return false;
        },
      },
      {
        label: 'latest/ starts changing',
        when: async (dir) => {
          const latest = path.join(dir, 'latest');
          const mtimes = new Map<string, number>();
          for (const name of await entries(latest))
            mtimes.set(name, (await stat(path.join(latest, name))).mtimeMs);
          return async () => {
            for (const name of await entries(latest)) {
              const before = mtimes.get(name);
              if (before === undefined) return true; // a temp file of a put in progress
              const now = await stat(path.join(latest, name)).catch(() => undefined);
              if (now && now.mtimeMs !== before) return true;
            }
            return false;
          };
        },
      },
    ];
  for (const point of points) {
    const dir = await tempDir(ctx);
    const store = createFileStore(dir);
    const a = await runPublish(ctx.simA, store);
    assert.is(a.outcome, 'published', a.error);
    const env = { ...simEnv(ctx.simB), SD_STORE: `file:${dir}` };
    const run = await publishAndKill(env, await point.when(dir, a.snapshot ?? ''));
    await checkAndRecover(ctx, store, env, a.snapshot, ['file', point.label], run);
  }
});

t.run();
