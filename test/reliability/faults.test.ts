/**
 * API faults: the simulator answers a share of requests with 500, 503, a held request (timeout), a cut-off body
 * or an expired page token, from a fixed seed. Every run must either publish documents byte-identical to the
 * fault-free run, or fail and leave latest/ exactly as it was — never anything in between.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS } from '../../src/bucket/keys.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { createFileStore } from '../../src/store/file-store.js';
import type { Store } from '../../src/store/store.js';
import { checkPointer, printTable, runPublish } from '../helpers/reliability.js';
import { storeState } from '../helpers/store-state.js';

const SIZES = {
  environments: 3,
  kafkaPerEnv: 2,
  connectorsPerCluster: 2,
  ksqlPerEnv: 1,
  computePoolsPerEnv: 1,
};
// The store holds organisation A's snapshot; the runs under test discover organisation B (another seed), so a
// successful run changes latest/ and a failed one must leave A's in place.
const SEED_A = 11;
const SEED_B = 12;

interface Case {
  faultRate: number;
  apiRetries: number;
}

const CASES: Case[] = [
  { faultRate: 0, apiRetries: 6 },
  { faultRate: 0.05, apiRetries: 6 },
  { faultRate: 0.2, apiRetries: 6 },
  { faultRate: 0.5, apiRetries: 6 },
  // few retries: these runs are meant to fail, and must fail cleanly
  { faultRate: 0.5, apiRetries: 1 },
  { faultRate: 1, apiRetries: 2 },
];

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sd-faults-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function withSim<T>(seed: number, fn: (sim: RunningSimulator) => Promise<T>): Promise<T> {
  // the fault PRNG is seeded from the simulator's seed: a fresh simulator per run replays the same faults
  const sim = await startSimulator({ seed, port: 0, ...SIZES, faultTimeoutMs: 5_000 });
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

/** Organisation B's documents as a fault-free run publishes them: name → sha256. */
async function expectedDocuments(): Promise<Record<string, string>> {
  return withDir((dir) =>
    withSim(SEED_B, async (sim) => {
      const store = createFileStore(dir);
      const run = await runPublish(sim, store);
      assert.is(run.outcome, 'published', run.error);
      return (await checkPointer(store)).documents;
    }),
  );
}

async function prepareStoreWithA(store: Store): Promise<void> {
  await withSim(SEED_A, async (sim) => {
    const run = await runPublish(sim, store);
    assert.is(run.outcome, 'published', run.error);
  });
}

test('every fault rate publishes the fault-free bytes or fails with latest/ untouched', async () => {
  const expected = await expectedDocuments();
  assert.is(Object.keys(expected).length, 2);
  const rows: string[][] = [];
  const outcomes: string[] = [];
  for (const c of CASES) {
    await withDir(async (dir) => {
      const store = createFileStore(dir);
      await prepareStoreWithA(store);
      const before = await storeState(store, 'latest/');
      const beforeSnapshots = await storeState(store, 'snapshots/');
      const { run, stats } = await withSim(SEED_B, async (sim) => {
        sim.setConfig({ faultRate: c.faultRate });
        const run = await runPublish(sim, store, { apiRetries: c.apiRetries });
        return { run, stats: sim.stats() };
      });
      const pointer = await checkPointer(store);
      assert.equal(pointer.problems, [], `rate ${c.faultRate}: pointer`);
      let check: string;
      if (run.outcome === 'published') {
        assert.equal(pointer.documents, expected, `rate ${c.faultRate}: published bytes`);
        assert.equal(pointer.staleCopies, [], `rate ${c.faultRate}: latest copies`);
        check = 'bytes identical to the fault-free run';
      } else {
        assert.is(run.outcome, 'failed', `rate ${c.faultRate}: ${run.error}`);
        assert.is(run.errorCode, 'API_UNAVAILABLE', run.error);
        assert.equal(await storeState(store, 'latest/'), before, `rate ${c.faultRate}: latest/ untouched`);
        assert.equal(await storeState(store, 'snapshots/'), beforeSnapshots);
        assert.ok(await store.head(KEYS.status));
        check = 'latest/ and snapshots/ byte-identical to before';
      }
      const kinds = Object.entries(stats.faultsByKind)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ');
      outcomes.push(`${c.faultRate}/${c.apiRetries}:${run.outcome}`);
      rows.push([
        `${Math.round(c.faultRate * 100)} %`,
        String(c.apiRetries),
        String(stats.requests),
        `${stats.faults}${kinds ? ` (${kinds})` : ''}`,
        run.outcome === 'failed' ? `failed: ${run.error.slice(0, 90)}` : run.outcome,
        check,
      ]);
    });
  }
  printTable(
    process.stdout,
    `API faults (simulator seed ${SEED_B}, concurrency 1, page size 2):`,
    ['fault rate', 'API retries', 'requests', 'faults', 'outcome', 'check'],
    rows,
  );
  // the fault-free run and a run with every request failing pin both branches of the check
  assert.is(outcomes[0], '0/6:published');
  assert.is(outcomes.at(-1), '1/2:failed');
});

test.run();
