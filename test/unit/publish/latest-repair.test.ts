/**
 * Every run that ends well leaves every `latest/` copy (documents and info documents) matching
 * `latest/manifest.json`: an unchanged run repairs what a killed run or a full disk left behind. A run whose only
 * failed write is `status.json`, after the switch, says it published. A clock behind the last run id warns and
 * keeps ids unique without inheriting a far skew.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS } from '../../../src/bucket/keys.js';
import { AppError, isAppError } from '../../../src/errors.js';
import { type PublishDeps, publishRun } from '../../../src/publish/publish.js';
import { withFaults } from '../../../src/store/fault-store.js';
import { createMemoryStore } from '../../../src/store/memory-store.js';
import type { Store } from '../../../src/store/store.js';
import { bucketProblems } from '../../helpers/bucket-check.js';
import { type CapturedLog, createCapturedLog } from '../../helpers/captured-log.js';
import { fixedPublishDeps } from '../../helpers/publish-deps.js';
import { buildRenderInventory } from '../../helpers/render-inventory.js';

const API = { requests: 5, retries: 0, throttled: 0, failures: 0, durationMs: 3 };
const depsFor = (store: Store, at: string, log: CapturedLog = createCapturedLog()): PublishDeps =>
  fixedPublishDeps(store, buildRenderInventory(), at, log);
const NOPREFIX = 'noprefix--api.telemetry.confluent.cloud';
const CONFLUENT = 'confluent--api.telemetry.confluent.cloud';

function messages(log: CapturedLog, level: string): string[] {
  return log
    .entries()
    .filter((e) => e.level === level)
    .map((e) => String(e.msg));
}

test('an unchanged run repairs latest/ copies that differ from the manifest, documents and info', async () => {
  const store = createMemoryStore();
  await publishRun(depsFor(store, '2025-03-01T10:00:00Z'));
  // what a run of another organisation killed between the latest/ copies and the pointer leaves
  await store.put(KEYS.latestDocument(NOPREFIX), '[]', 'application/json');
  await store.put(KEYS.latestInfo(CONFLUENT), '# other\n', 'text/plain');
  await store.delete(KEYS.latestInfo(NOPREFIX));
  assert.is((await bucketProblems(store)).length, 3);
  const log = createCapturedLog();
  const result = await publishRun(depsFor(store, '2025-03-01T10:30:00Z', log));
  assert.is(result.outcome, 'unchanged');
  assert.equal(await bucketProblems(store), []);
  assert.is(result.objectsWritten, 2 + 3, 'pointer, status and the three repaired copies');
  assert.equal(
    log
      .entries()
      .filter((e) => e.msg === 'latest copy repaired')
      .map((e) => e.key),
    [KEYS.latestInfo(CONFLUENT), KEYS.latestInfo(NOPREFIX), KEYS.latestDocument(NOPREFIX)],
  );
});

test('an unchanged run whose repair cannot be written fails instead of ending well', async () => {
  const memory = createMemoryStore();
  await publishRun(depsFor(memory, '2025-03-01T10:00:00Z'));
  await memory.put(KEYS.latestDocument(NOPREFIX), '[]', 'application/json');
  const store = withFaults(memory, {
    op: 'put',
    key: KEYS.latestDocument(NOPREFIX),
    error: new AppError('STORE_WRITE', 'put latest/… into memory: ENOSPC: no space left on device'),
  });
  try {
    await publishRun(depsFor(store, '2025-03-01T10:30:00Z'));
    assert.unreachable('the run should fail');
  } catch (err) {
    assert.ok(isAppError(err, 'STORE_WRITE'), String(err));
  }
  const status = JSON.parse((await memory.get(KEYS.status)).body.toString());
  assert.equal([status.outcome, status.snapshot], ['failed', '20250301T100000Z']);
});

test('a run whose only failed write is status.json, after the switch, reports published with a warning', async () => {
  const memory = createMemoryStore();
  await publishRun(depsFor(memory, '2025-03-01T10:00:00Z'));
  const store = withFaults(memory, { op: 'put', key: KEYS.status });
  const log = createCapturedLog();
  const changed = depsFor(store, '2025-03-01T10:30:00Z', log);
  const inventory = buildRenderInventory();
  changed.discover = async () => ({
    inventory: { ...inventory, resources: inventory.resources.slice(1) },
    api: API,
    durationMs: 3,
  });
  const result = await publishRun(changed);
  assert.equal([result.outcome, result.snapshot], ['published', '20250301T103000Z']);
  assert.match(result.statusError ?? '', 'status.json');
  assert.ok(messages(log, 'warn').includes('could not write status.json'));
  assert.equal(await bucketProblems(memory), []);
});

test('a clock behind the last run id: warns, takes the next second while the skew is small', async () => {
  const store = createMemoryStore();
  await publishRun(depsFor(store, '2025-03-01T10:05:00Z'));
  const log = createCapturedLog();
  const deps = depsFor(store, '2025-03-01T10:00:00Z', log);
  const inventory = buildRenderInventory();
  deps.discover = async () => ({
    inventory: { ...inventory, resources: inventory.resources.slice(1) },
    api: API,
    durationMs: 3,
  });
  const result = await publishRun(deps);
  assert.equal([result.outcome, result.runId], ['published', '20250301T100501Z']);
  const warn = log.entries().find((e) => e.msg === 'clock is behind the latest run id');
  assert.equal(
    [warn?.previousRunId, warn?.aheadMs, warn?.runId],
    ['20250301T100500Z', 300_000, '20250301T100501Z'],
  );
});

test('a latest run id far in the future (a clock that was a year ahead) is not inherited', async () => {
  const store = createMemoryStore();
  await publishRun(depsFor(store, '2026-03-01T10:00:00Z'));
  const log = createCapturedLog();
  const deps = depsFor(store, '2025-03-01T10:00:00Z', log);
  const inventory = buildRenderInventory();
  deps.discover = async () => ({
    inventory: { ...inventory, resources: inventory.resources.slice(1) },
    api: API,
    durationMs: 3,
  });
  const result = await publishRun(deps);
  assert.equal(
    [result.outcome, result.runId, result.previousRunId],
    ['published', '20250301T100000Z', '20260301T100000Z'],
  );
  const warn = log
    .entries()
    .find((e) => e.msg === 'latest run id is far ahead of the clock; run id taken from the clock');
  assert.equal([warn?.previousRunId, warn?.runId], ['20260301T100000Z', '20250301T100000Z']);
  // the next run builds on the clock's id, not the future one
  const next = depsFor(store, '2025-03-01T10:30:00Z');
  next.discover = async () => ({
    inventory: { ...inventory, resources: inventory.resources.slice(2) },
    api: API,
    durationMs: 3,
  });
  assert.is((await publishRun(next)).runId, '20250301T103000Z');
  assert.equal(await bucketProblems(store), []);
});

test.run();
