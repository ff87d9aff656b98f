/**
 * The scheduler: one run at start, then one per tick, never two at once; a failed run does not stop the next;
 * abort stops ticking and waits for the run in progress.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS } from '../../src/bucket/keys.js';
import type { Manifest } from '../../src/bucket/manifest.js';
import { createSilentLogger } from '../../src/log.js';
import { scheduleCommand, startScheduler } from '../../src/publish/schedule.js';
import { startSimulator } from '../../src/simulator/server.js';
import { createFileStore } from '../../src/store/file-store.js';
import { waitFor } from '../helpers/poll.js';
import { runCommand } from '../helpers/run-command.js';
import { readJson } from '../helpers/store-state.js';

test('runs at start and on every tick, never overlapping; failures do not stop it', async () => {
  const controller = new AbortController();
  let running = 0;
  let maxRunning = 0;
  let started = 0;
  let finished = 0;
  const scheduler = startScheduler(
    '* * * * * *',
    async () => {
      started += 1;
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      try {
        // the second run outlasts several ticks; the third fails
        if (started === 2) await new Promise((r) => setTimeout(r, 2500));
        if (started === 3) throw new Error('simulated failure');
      } finally {
        running -= 1;
        finished += 1;
      }
    },
    createSilentLogger(),
    controller.signal,
  );
  assert.is(started, 1, 'one run right at start');
  await waitFor(() => started >= 4, 'four runs');
  assert.is(maxRunning, 1);
  controller.abort();
  await scheduler.stopped;
  assert.is(running, 0);
  assert.is(finished, started);
});

test('abort waits for the run in progress', async () => {
  const controller = new AbortController();
  let done = false;
  const scheduler = startScheduler(
    '0 0 1 1 *',
    async () => {
      await new Promise((r) => setTimeout(r, 300));
      done = true;
    },
    createSilentLogger(),
    controller.signal,
  );
  controller.abort();
  await scheduler.stopped;
  assert.ok(done);
  assert.is(scheduler.runs(), 1);
});

test('schedule command publishes at start and stops cleanly on SIGTERM', async () => {
  const sim = await startSimulator({ seed: 7, port: 0 });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sd-schedule-'));
  const controller = new AbortController();
  try {
    const running = runCommand(
      scheduleCommand,
      [],
      {
        CONFLUENT_API_KEY: 'sim-key',
        CONFLUENT_API_SECRET: 'sim-secret',
        CONFLUENT_API_URL: sim.url,
        CONFLUENT_TELEMETRY_URL: sim.url,
        SD_STORE: `file:${dir}`,
        CACHE_DURATION: '30m',
      },
      { signal: controller.signal },
    );
    const store = createFileStore(dir);
    const deadline = Date.now() + 15_000;
    let manifest: Manifest | undefined;
    while (!manifest && Date.now() < deadline) {
      manifest = await readJson<Manifest>(store, KEYS.latestManifest).catch(() => undefined);
      if (!manifest) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(manifest, 'the first run published');
    controller.abort(new Error('SIGTERM'));
    const run = await running;
    assert.is(run.code, 0);
    const messages = run.logs.map((l) => l.msg);
    assert.ok(messages.includes('scheduler started'));
    assert.ok(messages.includes('scheduler stopped'));
    assert.is(run.logs.find((l) => l.msg === 'scheduler started')?.schedule, '*/30 * * * *');
  } finally {
    controller.abort();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
