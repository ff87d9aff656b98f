/**
 * A skewed clock: one run with the clock a year ahead, then runs with the right clock. The later runs take their
 * ids from their own clock (the year-ahead id is not inherited, +1 s at a time, forever), and `prune` ten days
 * later does not keep the year-ahead snapshot as "recent" (nor as the newest): on S3 its age is the store's time
 * of its manifest, on a file store whose files the skewed host dated too it counts as old.
 */
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { applyPrune, planPrune } from '../../src/audit/prune.js';
import { KEYS } from '../../src/bucket/keys.js';
import { listSnapshots } from '../../src/bucket/read.js';
import { formatRunId, parseRunId } from '../../src/bucket/run-id.js';
import { createSilentLogger } from '../../src/log.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { createFileStore } from '../../src/store/file-store.js';
import type { ObjectInfo, Store } from '../../src/store/store.js';
import { bucketProblems, latestRunId } from '../helpers/bucket-check.js';
import { printTable, runPublish } from '../helpers/reliability.js';
import { createTestS3Store, type S3rverHelper, startS3rver } from '../helpers/s3rver.js';

const SIZES = {
  environments: 2,
  kafkaPerEnv: 2,
  connectorsPerCluster: 1,
  ksqlPerEnv: 1,
  computePoolsPerEnv: 1,
};
const DAY_MS = 24 * 60 * 60 * 1000;
const YEAR_MS = 365 * DAY_MS;

interface Ctx {
  simA: RunningSimulator;
  simB: RunningSimulator;
  s3: S3rverHelper;
  dirs: string[];
  rows: string[][];
}

const t = suite<Ctx>('a skewed clock');

t.before(async (ctx) => {
  ctx.dirs = [];
  ctx.rows = [];
  ctx.simA = await startSimulator({ seed: 51, port: 0, ...SIZES });
  ctx.simB = await startSimulator({ seed: 52, port: 0, ...SIZES });
  ctx.s3 = await startS3rver();
});

t.after(async (ctx) => {
  await ctx.simA?.close();
  await ctx.simB?.close();
  await ctx.s3?.close();
  for (const d of ctx.dirs ?? []) await rm(d, { recursive: true, force: true });
  printTable(
    process.stdout,
    'One run with the clock a year ahead, two with the right clock, then prune 10 days later (--keep-days 7):',
    ['store', 'run ids (skewed, then right)', 'later ids from', 'prune kept', 'prune removed'],
    ctx.rows ?? [],
  );
});

async function skewedThenRight(ctx: Ctx, store: Store, onSkewed: (runId: string) => Promise<void>) {
  const skewed = await runPublish(ctx.simA, store, { now: () => new Date(Date.now() + YEAR_MS) });
  assert.is(skewed.outcome, 'published', skewed.error);
  const future = skewed.snapshot ?? '';
  await onSkewed(future);
  const ids = [future];
  for (const sim of [ctx.simB, ctx.simA]) {
    const before = formatRunId(new Date());
    const run = await runPublish(sim, store);
    assert.is(run.outcome, 'published', run.error);
    const id = run.snapshot ?? '';
    // the run's own clock (its second, or the next one after a run within the same second), not future + 1 s
    assert.ok(id >= before && id < formatRunId(new Date(Date.now() + 5_000)), `${id} from the clock`);
    ids.push(id);
  }
  assert.ok((ids[2] ?? '') > (ids[1] ?? ''), 'ids from the right clock keep increasing');
  assert.is(await latestRunId(store), ids[2]);
  assert.equal(await bucketProblems(store), []);
  const pruneNow = new Date(Date.now() + 10 * DAY_MS);
  const plan = planPrune(await listSnapshots(store), ids[2] ?? null, pruneNow, 7);
  await applyPrune(store, plan, createSilentLogger());
  assert.equal(
    plan.kept.map((k) => [k.runId, k.reason]),
    [[ids[2], 'latest']],
  );
  assert.equal(plan.remove.map((r) => r.runId).sort(), [ids[0], ids[1]].sort());
  assert.equal((await listSnapshots(store)).runIds, [ids[2]]);
  return { ids, plan };
}

t('S3 store: later runs take the clock, prune ages the skewed snapshot by the store time', async (ctx) => {
  const store = createTestS3Store(ctx.s3, 'clock');
  try {
    const { ids, plan } = await skewedThenRight(ctx, store, async () => {});
    ctx.rows.push([
      'S3',
      ids.join(', '),
      'the clock',
      plan.kept.map((k) => `${k.runId} (${k.reason})`).join(', '),
      `${plan.remove.length}, the year-ahead one included`,
    ]);
  } finally {
    await store.close();
  }
});

t('file store dated by the skewed host: the year-ahead snapshot counts as old, not recent', async (ctx) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sd-clock-'));
  ctx.dirs.push(dir);
  const store = createFileStore(dir);
  const { ids, plan } = await skewedThenRight(ctx, store, async (future) => {
    // the skewed host's clock dated its files too
    const when = parseRunId(future) ?? new Date();
    await utimes(path.join(dir, ...KEYS.snapshotManifest(future).split('/')), when, when);
  });
  ctx.rows.push([
    'file',
    ids.join(', '),
    'the clock',
    plan.kept.map((k) => `${k.runId} (${k.reason})`).join(', '),
    `${plan.remove.length}, the year-ahead one included`,
  ]);
});

t('prune: of two snapshots written in one second, the newest is not the one a skewed clock dated', () => {
  const now = new Date('2026-12-11T12:00:00Z');
  const info = (key: string, at: string) => ({ key, size: 1, etag: '"x"', lastModified: new Date(at) });
  const snapshot = (runId: string, at: string): [string, ObjectInfo[]] => [
    runId,
    [info(KEYS.snapshotManifest(runId), at), info(`snapshots/${runId}/a.json`, at)],
  ];
  // a year-ahead run, then one in the same second of store time (its id the second after a run before it)
  const objects = new Map([
    snapshot('20271201T111317Z', '2026-12-01T11:13:17Z'),
    snapshot('20261201T111318Z', '2026-12-01T11:13:17Z'),
    snapshot('20261201T111000Z', '2026-12-01T11:10:00Z'),
  ]);
  const listing = { runIds: [...objects.keys()].sort().reverse(), incomplete: [], objects };
  const plan = planPrune(listing, '20261201T111000Z', now, 7);
  assert.equal(
    plan.kept.map((k) => [k.runId, k.reason]),
    [
      ['20261201T111318Z', 'newest'],
      ['20261201T111000Z', 'latest'],
    ],
  );
  assert.equal(
    plan.remove.map((r) => r.runId),
    ['20271201T111317Z'],
  );
});

t.run();
