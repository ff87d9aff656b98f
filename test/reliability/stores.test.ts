/**
 * Stores that fail: an S3 endpoint that starts refusing PUTs at each point of a publish (503, 403, MinIO's 507
 * "storage full"), a file store on a tmpfs that fills up or turns read-only, a store path under a regular file.
 * After every failure latest/manifest.json names a complete snapshot, and the next run on a healthy store
 * publishes the right bytes.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { publishCommand } from '../../src/publish/command.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { createFileStore } from '../../src/store/file-store.js';
import type { Store } from '../../src/store/store.js';
import { checkPointer, printTable, type RunOutcome, runPublish } from '../helpers/reliability.js';
import { runCommand } from '../helpers/run-command.js';
import { createTestS3Store, type RefusalStatus, startS3rver } from '../helpers/s3rver.js';
import { storeState } from '../helpers/store-state.js';

process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';

const SIZES = {
  environments: 3,
  kafkaPerEnv: 2,
  connectorsPerCluster: 2,
  ksqlPerEnv: 1,
  computePoolsPerEnv: 1,
};

interface Ctx {
  simA: RunningSimulator;
  simB: RunningSimulator;
  /** Organisation B's documents from a fault-free run: name → sha256. */
  expected: Record<string, string>;
  dirs: string[];
}

const t = suite<Ctx>('stores that fail');

t.before(async (ctx) => {
  ctx.simA = await startSimulator({ seed: 21, port: 0, ...SIZES });
  ctx.simB = await startSimulator({ seed: 22, port: 0, ...SIZES });
  ctx.dirs = [];
  const dir = await tempDir(ctx);
  const store = createFileStore(dir);
  const run = await runPublish(ctx.simB, store);
  assert.is(run.outcome, 'published', run.error);
  ctx.expected = (await checkPointer(store)).documents;
});

t.after(async (ctx) => {
  await ctx.simA?.close();
  await ctx.simB?.close();
  for (const d of ctx.dirs ?? []) await rm(d, { recursive: true, force: true });
});

async function tempDir(ctx: Ctx): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sd-stores-'));
  ctx.dirs.push(dir);
  return dir;
}

/** Where latest/ points after a failure: A's snapshot (untouched) or B's (the failure came after the switch). */
async function pointerAfterFailure(ctx: Ctx, store: Store, runIdA: string | null): Promise<string> {
  const pointer = await checkPointer(store);
  assert.equal(pointer.problems, []);
  if (pointer.runId === runIdA)
    return runIdA === null ? 'no snapshot (as before)' : "A's snapshot (as before)";
  assert.equal(pointer.documents, ctx.expected, 'a switched pointer names B');
  return "B's snapshot (complete)";
}

/** The next run on a healthy store: B's bytes, latest/ copies in line with the manifest. */
async function nextRunOk(ctx: Ctx, store: Store): Promise<string> {
  const next = await runPublish(ctx.simB, store);
  assert.ok(next.outcome === 'published' || next.outcome === 'unchanged', next.error);
  const pointer = await checkPointer(store);
  assert.equal([pointer.problems, pointer.documents, pointer.staleCopies], [[], ctx.expected, []]);
  return next.outcome;
}

const describe = (run: RunOutcome) => {
  if (run.outcome === 'failed') return `failed (${run.errorCode}: ${run.error.slice(0, 70)})`;
  if (run.statusError) return `${run.outcome}, warning: status.json not written`;
  return run.runLogError ? `${run.outcome}, warning: run log record not written` : run.outcome;
};

t('an S3 endpoint that starts refusing PUTs at any point of the run', async (ctx) => {
  const s3 = await startS3rver();
  const rows: string[][] = [];
  try {
    // how many PUTs a run of B over A makes
    const control = createTestS3Store(s3, 'control');
    assert.is((await runPublish(ctx.simA, control)).outcome, 'published');
    const before = s3.putCount();
    assert.is((await runPublish(ctx.simB, control)).outcome, 'published');
    const puts = s3.putCount() - before;
    await control.close();
    assert.is(
      puts,
      12,
      'snapshot 2 + 2 info + manifest, latest 2 + 2 info + manifest, status, run log record',
    );

    for (const status of [503, 403, 507] as RefusalStatus[]) {
      for (let after = 0; after < puts; after++) {
        const store = createTestS3Store(s3, `case-${status}-${after}`);
        try {
          const a = await runPublish(ctx.simA, store);
          assert.is(a.outcome, 'published', a.error);
          s3.refusePutsAfter(after, status);
          const run = await runPublish(ctx.simB, store);
          s3.setRefusePuts(false);
          if (after === puts - 1) {
            // only the run log record refused, after status.json: the run published, and says the record failed
            assert.is(run.outcome, 'published', `${status} after ${after}: ${run.error}`);
            assert.match(run.runLogError, new RegExp(`HTTP ${status}`));
          } else if (after === puts - 2) {
            // status.json (and the record) refused, after latest/ switched: the run published, and says so
            assert.is(run.outcome, 'published', `${status} after ${after}: ${run.error}`);
            assert.match(run.statusError, new RegExp(`put status.json .*HTTP ${status}`));
          } else {
            assert.is(run.outcome, 'failed', `${status} after ${after}`);
            assert.match(run.error, new RegExp(`HTTP ${status}`));
          }
          const where = await pointerAfterFailure(ctx, store, a.snapshot);
          const stale = (await checkPointer(store)).staleCopies.length;
          rows.push([
            `S3 ${status}`,
            `PUT ${after + 1} of ${puts} on`,
            describe(run),
            where,
            stale === 0 ? 'match' : `${stale} differ (served from the snapshot)`,
            await nextRunOk(ctx, store),
          ]);
        } finally {
          s3.setRefusePuts(false);
          await store.close();
        }
      }
    }
  } finally {
    await s3.close();
  }
  printTable(
    process.stdout,
    'S3 endpoint refusing PUTs from a point on (store retries 2):',
    ['store', 'refused from', 'outcome', 'latest/manifest.json then names', 'latest/ copies', 'next run'],
    rows,
  );
});

function tryMount(args: string[]): boolean {
  try {
    execFileSync('mount', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

t('a file store on a tmpfs that fills up, or turns read-only', async (ctx) => {
  const mountpoint = await tempDir(ctx);
  if (!tryMount(['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountpoint])) {
    process.stdout.write('\ntmpfs cases skipped: mount -t tmpfs is not permitted here\n');
    return;
  }
  const rows: string[][] = [];
  const remount = (options: string) => assert.ok(tryMount(['-o', `remount,${options}`, mountpoint]), options);
  try {
    // full: room for A's snapshot plus `spare` bytes, then B
    for (const spareKb of [0, 8, 16, 24, 32, 36, 40, 44, 48, 64]) {
      const dir = path.join(mountpoint, `full-${spareKb}`);
      const store = createFileStore(dir);
      const a = await runPublish(ctx.simA, store);
      assert.is(a.outcome, 'published', a.error);
      const fs = await statfs(mountpoint);
      const usedKb = ((fs.blocks - fs.bfree) * fs.bsize) / 1024;
      remount(`size=${Math.ceil(usedKb + spareKb)}k`);
      const run = await runPublish(ctx.simB, store);
      remount('size=4m');
      if (run.outcome === 'failed') assert.match(run.error, /ENOSPC/);
      const where = await pointerAfterFailure(ctx, store, a.snapshot);
      rows.push([
        `tmpfs, ${spareKb} KiB free`,
        describe(run),
        where,
        String((await checkPointer(store)).staleCopies.length),
        await nextRunOk(ctx, store),
      ]);
    }
    assert.ok(
      rows.some((r) => r[1]?.startsWith('failed')),
      'at least one size must fill the store',
    );

    // read-only: A published, then the file system turns read-only
    const dir = path.join(mountpoint, 'read-only');
    const store = createFileStore(dir);
    const a = await runPublish(ctx.simA, store);
    assert.is(a.outcome, 'published', a.error);
    const before = await storeState(store, '');
    remount('ro');
    let run: RunOutcome;
    try {
      run = await runPublish(ctx.simB, store);
    } finally {
      remount('rw');
    }
    assert.is(run.outcome, 'failed');
    // Node's recursive mkdir reports a read-only file system as ENOENT; a plain write says EROFS
    assert.match(run.error, /EROFS|ENOENT/, run.error);
    assert.equal(await storeState(store, ''), before, 'nothing changed, status.json included');
    rows.push([
      'tmpfs, read-only',
      describe(run),
      await pointerAfterFailure(ctx, store, a.snapshot),
      '0',
      await nextRunOk(ctx, store),
    ]);
  } finally {
    execFileSync('umount', [mountpoint], { stdio: 'ignore' });
  }
  printTable(
    process.stdout,
    'File store on a tmpfs:',
    ['store', 'outcome', 'latest/manifest.json then names', 'latest/ copies that differ', 'next run'],
    rows,
  );
});

t('a store path under a regular file: publish exits 1 before any API call', async (ctx) => {
  const dir = await tempDir(ctx);
  const file = path.join(dir, 'not-a-directory');
  await writeFile(file, 'x');
  ctx.simB.resetStats();
  const run = await runCommand(publishCommand, [], {
    CONFLUENT_API_KEY: 'sim-key',
    CONFLUENT_API_SECRET: 'sim-secret',
    CONFLUENT_API_URL: ctx.simB.url,
    CONFLUENT_TELEMETRY_URL: ctx.simB.url,
    SD_STORE: `file:${path.join(file, 'bucket')}`,
  });
  assert.is(run.code, 1);
  assert.match(run.stderr, /ENOTDIR|EEXIST|not a directory/);
  assert.is(ctx.simB.stats().requests, 0);
  printTable(
    process.stdout,
    'Store path under a regular file:',
    ['store', 'exit', 'API requests', 'message'],
    [['file:<file>/bucket', String(run.code), '0', run.stderr.trim().slice(0, 120)]],
  );
});

t.run();
