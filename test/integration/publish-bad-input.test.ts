/**
 * Bad input to a publish run: problems with the store are reported before discovery starts (no API call made),
 * a corrupted latest manifest stops the run unless --force, and --dry-run writes nothing to the store.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS } from '../../src/bucket/keys.js';
import type { Manifest } from '../../src/bucket/manifest.js';
import { publishCommand } from '../../src/publish/command.js';
import { countResources } from '../../src/simulator/org.js';
import { type PublishStack, startPublishStack } from '../helpers/publish-stack.js';
import { runCommand } from '../helpers/run-command.js';
import { readJson, storeState } from '../helpers/store-state.js';

const t = suite<{ stack: PublishStack }>('publish: bad input');
t.before(async (s) => {
  s.stack = await startPublishStack('file', { sim: { seed: 3, environments: 2 } });
});
t.after(async (s) => {
  await s.stack.cleanup();
});
t.before.each((s) => {
  s.stack.sim.resetStats();
});

t('an unknown store scheme is a config error (exit 2) before any call', async (s) => {
  const run = await runCommand(publishCommand, [], { ...s.stack.env, SD_STORE: 'gs://bucket/x' });
  assert.is(run.code, 2);
  assert.match(run.stderr, /SD_STORE must be file:<dir> or s3:\/\/<bucket>\/<prefix>/);
  assert.is(s.stack.sim.stats().requests, 0);
});

t('a directory that cannot be written fails with exit 1 before discovery', async (s) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sd-bad-'));
  try {
    await writeFile(path.join(dir, 'file'), 'x');
    const run = await runCommand(publishCommand, [], { ...s.stack.env, SD_STORE: `file:${dir}/file/data` });
    assert.is(run.code, 1);
    assert.match(run.stderr, /STORE_WRITE|not a directory|ENOTDIR|EEXIST/);
    assert.is(s.stack.sim.stats().requests, 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

t('a bucket that does not exist fails with exit 1 before discovery', async () => {
  const s3 = await startPublishStack('s3', { sim: { seed: 3, environments: 1 } });
  try {
    const run = await runCommand(publishCommand, [], { ...s3.env, SD_STORE: 's3://no-such-bucket/x' });
    assert.is(run.code, 1);
    assert.match(run.stderr, /bucket/i);
    assert.is(s3.sim.stats().requests, 0);
  } finally {
    await s3.cleanup();
  }
});

t('a corrupted latest manifest fails the run (exit 1) and is replaced only with --force', async (s) => {
  const { stack } = s;
  assert.is((await runCommand(publishCommand, [], stack.env)).code, 0);
  await stack.store.put(KEYS.latestManifest, '{"schemaVersion": 1, "runId": "nope"', 'application/json');
  const before = await storeState(stack.store, 'snapshots/');
  const run = await runCommand(publishCommand, [], stack.env);
  assert.is(run.code, 1);
  assert.match(
    run.stderr,
    /latest\/manifest\.json: not JSON: .*; refusing to publish over it \(rerun with --force/,
  );
  assert.equal(await storeState(stack.store, 'snapshots/'), before);
  const forced = await runCommand(publishCommand, ['--force'], stack.env);
  assert.is(forced.code, 0, forced.stderr);
  const manifest = await readJson<Manifest>(stack.store, KEYS.latestManifest);
  assert.is(manifest.previousRunId, null);
  assert.is(manifest.resources.total, countResources(stack.sim.org).total);
});

t('--dry-run prints a summary, writes the documents with --out and nothing to the store', async (s) => {
  const { stack } = s;
  const before = await storeState(stack.store);
  const out = await mkdtemp(path.join(os.tmpdir(), 'sd-dry-'));
  try {
    const run = await runCommand(publishCommand, ['--dry-run', '--out', out], stack.env);
    assert.is(run.code, 0, run.stderr);
    const counts = countResources(stack.sim.org);
    assert.match(run.stdout, new RegExp(`^resources: ${counts.total} \\(`, 'm'));
    assert.match(run.stdout, /^environments: 2$/m);
    assert.match(
      run.stdout,
      new RegExp(`^  confluent--api.telemetry.confluent.cloud.json: ${counts.total} groups`, 'm'),
    );
    assert.match(run.stdout, /^warnings: 0$/m);
    assert.equal((await readdir(out)).sort(), [
      'confluent--api.telemetry.confluent.cloud.json',
      'noprefix--api.telemetry.confluent.cloud.json',
    ]);
    const doc = JSON.parse(
      await readFile(path.join(out, 'noprefix--api.telemetry.confluent.cloud.json'), 'utf8'),
    );
    assert.is(doc.length, counts.total);
    assert.equal(await storeState(stack.store), before);
    const usage = await runCommand(publishCommand, ['--out', out], stack.env);
    assert.is(usage.code, 2);
    assert.match(usage.stderr, /--out goes with --dry-run/);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

t.run();
