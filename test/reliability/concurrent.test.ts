/**
 * Two publishers at once on one store (a manual `publish` during the CronJob's run, or `schedule` beside the
 * CronJob), on the file store and on S3 with 40 ms per upload: both start together, from the same previous
 * snapshot, so they compute the same run id. No snapshot is ever overwritten (each one's objects match its own
 * manifest), one run wins the `latest/` switch and the other says `superseded`, latest/ copies match the
 * pointer, and an unchanged run never undoes the other's switch. Then the same with two `confluent-sd publish`
 * processes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { listSnapshots } from '../../src/bucket/read.js';
import { parseRunId } from '../../src/bucket/run-id.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { createFileStore } from '../../src/store/file-store.js';
import type { Store } from '../../src/store/store.js';
import { bucketProblems, latestRunId } from '../helpers/bucket-check.js';
import { runCliChild } from '../helpers/publish-child.js';
import { printTable, type RunOutcome, runPublish } from '../helpers/reliability.js';
import { createTestS3Store, S3RVER_CREDENTIALS, type S3rverHelper, startS3rver } from '../helpers/s3rver.js';

const SIZES = {
  environments: 3,
  kafkaPerEnv: 2,
  connectorsPerCluster: 2,
  ksqlPerEnv: 1,
  computePoolsPerEnv: 1,
};
const TRIALS = 6;
const PUT_DELAY_MS = 40;

interface Ctx {
  /** The organisation published first, and two others the concurrent runs discover. */
  sims: RunningSimulator[];
  s3: S3rverHelper;
  dirs: string[];
  rows: string[][];
}

const t = suite<Ctx>('two publishers at once');

t.before(async (ctx) => {
  ctx.dirs = [];
  ctx.rows = [];
  ctx.sims = [];
  for (const seed of [41, 42, 43]) ctx.sims.push(await startSimulator({ seed, port: 0, ...SIZES }));
  ctx.s3 = await startS3rver();
});

t.after(async (ctx) => {
  for (const sim of ctx.sims ?? []) await sim.close();
  await ctx.s3?.close();
  for (const d of ctx.dirs ?? []) await rm(d, { recursive: true, force: true });
  printTable(
    process.stdout,
    `Two publishers started together from the same snapshot (${TRIALS} trials per row; S3 with ${PUT_DELAY_MS} ms per upload):`,
    [
      'store',
      'runs',
      'same run id computed',
      'outcomes (trials)',
      'snapshots overwritten or mixed',
      'latest/ names',
      'latest/ copies that differ',
    ],
    ctx.rows ?? [],
  );
});

type StoreKind = 'file' | 'S3';

/** A fresh store of `kind` and a second handle on the same objects (its own client, as another process has). */
async function freshStores(ctx: Ctx, kind: StoreKind, name: string): Promise<[Store, Store]> {
  if (kind === 'S3') return [createTestS3Store(ctx.s3, name), createTestS3Store(ctx.s3, name)];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sd-concurrent-'));
  ctx.dirs.push(dir);
  return [createFileStore(dir), createFileStore(dir)];
}

/** The two newest snapshots are one second apart: both runs computed one id, and one took the next second. */
async function collided(store: Store): Promise<boolean> {
  const [newest, second] = (await listSnapshots(store)).runIds;
  const gap = (parseRunId(newest ?? '')?.getTime() ?? 0) - (parseRunId(second ?? '')?.getTime() ?? 0);
  return gap === 1000;
}

function tally(outcomes: string[][]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.join(' + '), (counts.get(o.join(' + ')) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${k} (${n})`).join(', ');
}

/** Exactly one of two runs from one snapshot switches latest/; the other is superseded and names the winner. */
function assertOneWinner(a: RunOutcome, b: RunOutcome, latest: string, label: string): void {
  const outcomes = [a.outcome, b.outcome].sort();
  assert.equal(outcomes, ['published', 'superseded'], `${label}: ${a.error} ${b.error}`);
  assert.equal([a.snapshot, b.snapshot], [latest, latest], `${label}: both name the current snapshot`);
}

for (const kind of ['file', 'S3'] as const) {
  t(`${kind} store: two changing runs at once`, async (ctx) => {
    const [base, simX, simY] = ctx.sims as [RunningSimulator, RunningSimulator, RunningSimulator];
    const outcomes: string[][] = [];
    let problems = 0;
    let collisions = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      const [one, two] = await freshStores(ctx, kind, `changing-${trial}`);
      try {
        assert.is((await runPublish(base, one)).outcome, 'published');
        if (kind === 'S3') ctx.s3.setPutDelay(PUT_DELAY_MS);
        const [a, b] = await Promise.all([runPublish(simX, one), runPublish(simY, two)]).finally(() =>
          ctx.s3.setPutDelay(0),
        );
        const found = await bucketProblems(one);
        problems += found.length;
        assert.equal(found, [], `trial ${trial}`);
        assertOneWinner(a, b, await latestRunId(one), `trial ${trial}`);
        outcomes.push([a.outcome, b.outcome]);
        if (await collided(one)) collisions++;
      } finally {
        await one.close();
        await two.close();
      }
    }
    ctx.rows.push([
      kind,
      'two changing',
      `${collisions} of ${TRIALS}`,
      tally(outcomes),
      String(problems),
      'the winner',
      '0',
    ]);
  });

  t(`${kind} store: an unchanged run beside a changing one never undoes its switch`, async (ctx) => {
    const [base, simX] = ctx.sims as [RunningSimulator, RunningSimulator];
    const outcomes: string[][] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const [one, two] = await freshStores(ctx, kind, `unchanged-${trial}`);
      try {
        assert.is((await runPublish(base, one)).outcome, 'published');
        if (kind === 'S3') ctx.s3.setPutDelay(PUT_DELAY_MS);
        // every other trial the unchanged run discovers slowly, so its refresh comes after the other's switch
        base.setConfig({ latencyMs: trial % 2 === 1 ? (kind === 'S3' ? 60 : 15) : 0 });
        const [same, changing] = await Promise.all([runPublish(base, one), runPublish(simX, two)]).finally(
          () => {
            ctx.s3.setPutDelay(0);
            base.setConfig({ latencyMs: 0 });
          },
        );
        assert.is(changing.outcome, 'published', changing.error);
        assert.ok(same.outcome === 'unchanged' || same.outcome === 'superseded', same.error);
        assert.is(await latestRunId(one), changing.snapshot, `trial ${trial}: the switch stands`);
        assert.equal(await bucketProblems(one), [], `trial ${trial}`);
        outcomes.push([same.outcome, changing.outcome]);
      } finally {
        await one.close();
        await two.close();
      }
    }
    ctx.rows.push([kind, 'unchanged + changing', '–', tally(outcomes), '0', "the changing run's", '0']);
  });
}

t('two `confluent-sd publish` processes at once, on each store', async (ctx) => {
  const [base, simX, simY] = ctx.sims as [RunningSimulator, RunningSimulator, RunningSimulator];
  const env = (sim: RunningSimulator, store: Record<string, string>) => ({
    CONFLUENT_API_KEY: 'sim-key',
    CONFLUENT_API_SECRET: 'sim-secret',
    CONFLUENT_API_URL: sim.url,
    CONFLUENT_TELEMETRY_URL: sim.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...store,
  });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sd-concurrent-cli-'));
  ctx.dirs.push(dir);
  const stores: [StoreKind, Record<string, string>, Store][] = [
    ['file', { SD_STORE: `file:${dir}` }, createFileStore(dir)],
    [
      'S3',
      {
        SD_STORE: `s3://${ctx.s3.bucket}/cli`,
        S3_ENDPOINT: ctx.s3.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      },
      createTestS3Store(ctx.s3, 'cli'),
    ],
  ];
  for (const [kind, storeEnv, store] of stores) {
    try {
      assert.is((await runPublish(base, store)).outcome, 'published');
      if (kind === 'S3') ctx.s3.setPutDelay(PUT_DELAY_MS);
      const runs = await Promise.all([
        runCliChild(['publish'], { env: env(simX, storeEnv), timeoutMs: 120_000 }),
        runCliChild(['publish'], { env: env(simY, storeEnv), timeoutMs: 120_000 }),
      ]).finally(() => ctx.s3.setPutDelay(0));
      assert.equal(
        runs.map((r) => r.code),
        [0, 0],
        runs.map((r) => r.stderr).join('\n'),
      );
      const lines = runs.map((r) => r.stdout.trim().split('\n')[0] ?? '');
      const latest = await latestRunId(store);
      assert.equal(await bucketProblems(store), []);
      // sequential runs (the second read latest/ after the first switched) both publish; overlapping ones do not
      const words = lines.map((l) => l.split(':')[0]).sort();
      assert.ok(
        words.join() === 'published,superseded' || words.join() === 'published,published',
        lines.join('\n'),
      );
      assert.ok(
        lines.some((l) => l.startsWith(`published: snapshot ${latest}`)),
        lines.join('\n'),
      );
      const ids = lines.map((l) => /snapshot (\d{8}T\d{6}Z)/.exec(l)?.[1]);
      if (words.join() === 'published,published')
        assert.is.not(ids[0], ids[1], 'two switches, two snapshots');
      const same = (await collided(store)) ? 'yes' : 'no';
      ctx.rows.push([kind, 'two processes', same, words.join(' + '), '0', 'the winner', '0']);
    } finally {
      await store.close();
    }
  }
});

t.run();
