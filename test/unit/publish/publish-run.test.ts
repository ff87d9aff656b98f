/**
 * publishRun's plan, guards, unchanged path and rollback, on the in-memory store (which passes the same contract
 * suite as the file and S3 stores) with the fault decorator; each case runs in milliseconds.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS } from '../../../src/bucket/keys.js';
import { parseManifest } from '../../../src/bucket/manifest.js';
import { parseStatus } from '../../../src/bucket/status.js';
import type { Inventory } from '../../../src/discovery/resource.js';
import { isAppError } from '../../../src/errors.js';
import { type PublishDeps, publishRun } from '../../../src/publish/publish.js';
import { withFaults } from '../../../src/store/fault-store.js';
import { createMemoryStore } from '../../../src/store/memory-store.js';
import type { Store } from '../../../src/store/store.js';
import { fixedPublishDeps } from '../../helpers/publish-deps.js';
import { buildRenderInventory } from '../../helpers/render-inventory.js';

const depsFor = (store: Store, inventory: Inventory, at = '2025-03-01T10:00:00Z'): PublishDeps =>
  fixedPublishDeps(store, inventory, at);

async function snapshotOf(store: Store): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const o of await store.list('')) out[o.key] = (await store.get(o.key)).body.toString('utf8');
  return out;
}

function withResources(inventory: Inventory, keep: number): Inventory {
  return { ...inventory, resources: inventory.resources.slice(0, keep) };
}

test('a first run writes the snapshot, the latest/ copies, the pointer and the status', async () => {
  const store = createMemoryStore();
  const result = await publishRun(depsFor(store, buildRenderInventory()));
  assert.is(result.outcome, 'published');
  assert.is(result.runId, '20250301T100000Z');
  assert.is(result.previousRunId, null);
  const names = ['confluent--api.telemetry.confluent.cloud', 'noprefix--api.telemetry.confluent.cloud'];
  const keys = (await store.list('')).map((o) => o.key);
  assert.equal(
    keys.filter((k) => k.startsWith('runs/')),
    [`runs/2025-03-01/${result.attemptId}.json`],
  );
  assert.match(result.attemptId, /^20250301T100000Z-[0-9a-f]{8}$/);
  assert.equal(
    keys.filter((k) => !k.startsWith('runs/')),
    [
      ...names.map(KEYS.latestDocument),
      ...names.map(KEYS.latestInfo),
      KEYS.latestManifest,
      ...names.map((n) => KEYS.snapshotDocument('20250301T100000Z', n)),
      ...names.map((n) => KEYS.snapshotInfo('20250301T100000Z', n)),
      KEYS.snapshotManifest('20250301T100000Z'),
      KEYS.status,
    ].sort(),
  );
  assert.is(result.objectsWritten, 4 * names.length + 3);
  const pointer = parseManifest((await store.get(KEYS.latestManifest)).body.toString(), 'test');
  assert.is(pointer.runId, '20250301T100000Z');
  assert.is(pointer.resources.total, buildRenderInventory().resources.length);
  assert.is(parseStatus((await store.get(KEYS.status)).body.toString())?.outcome, 'published');
});

test('an unchanged run rewrites only the pointer and the status (and adds its run-log record)', async () => {
  const store = createMemoryStore();
  await publishRun(depsFor(store, buildRenderInventory()));
  const before = await snapshotOf(store);
  const result = await publishRun(depsFor(store, buildRenderInventory(), '2025-03-01T10:30:00Z'));
  assert.is(result.outcome, 'unchanged');
  assert.is(result.snapshot, '20250301T100000Z');
  assert.is(result.objectsWritten, 2);
  const after = await snapshotOf(store);
  const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
  assert.equal(changed.sort(), [
    KEYS.latestManifest,
    `runs/2025-03-01/${result.attemptId}.json`,
    KEYS.status,
  ]);
  const pointer = parseManifest(after[KEYS.latestManifest] ?? '', 'test');
  assert.is(pointer.checkedAt, '2025-03-01T10:30:00.000Z');
});

test('the guards refuse zero resources and a large drop, record it in status.json, and --force overrides', async () => {
  const store = createMemoryStore();
  await publishRun(depsFor(store, buildRenderInventory()));
  const pointer = (await store.get(KEYS.latestManifest)).body.toString();
  for (const [keep, code] of [
    [0, 'GUARD_EMPTY'],
    [2, 'GUARD_SHRINK'],
  ] as const) {
    try {
      await publishRun(depsFor(store, withResources(buildRenderInventory(), keep), '2025-03-01T11:00:00Z'));
      assert.unreachable('the guard should refuse');
    } catch (err) {
      assert.ok(isAppError(err, code), String(err));
    }
    assert.is((await store.get(KEYS.latestManifest)).body.toString(), pointer);
    const status = parseStatus((await store.get(KEYS.status)).body.toString());
    assert.is(status?.outcome, 'refused');
    assert.ok(status?.error?.includes('refusing to publish'));
  }
  const forced = await publishRun(
    depsFor(store, withResources(buildRenderInventory(), 2), '2025-03-01T11:30:00Z'),
    {
      force: true,
    },
  );
  assert.is(forced.outcome, 'published');
  assert.is(forced.resources.total, 2);
});

test('a failed latest/ copy is rolled back: latest/ stays as it was, the pointer too, status says failed', async () => {
  const memory = createMemoryStore();
  await publishRun(depsFor(memory, buildRenderInventory()));
  const before = await snapshotOf(memory);
  // the second document's latest/ copy fails, after the first document and its info were replaced
  const store = withFaults(memory, { op: 'put', key: 'latest/noprefix', from: 1, times: 1 });
  const changedInventory = withResources(buildRenderInventory(), buildRenderInventory().resources.length - 1);
  try {
    await publishRun({
      ...depsFor(store, changedInventory, '2025-03-01T12:00:00Z'),
      publish: { maxShrink: 1 },
    });
    assert.unreachable('the run should fail');
  } catch (err) {
    assert.ok(isAppError(err, 'STORE_UNAVAILABLE'), String(err));
  }
  const after = await snapshotOf(memory);
  for (const key of Object.keys(before).filter((k) => k.startsWith('latest/')))
    assert.is(after[key], before[key], key);
  assert.is(parseStatus(after[KEYS.status] ?? '')?.outcome, 'failed');
  // the new snapshot is complete but not current
  assert.ok(after[KEYS.snapshotManifest('20250301T120000Z')]);
  assert.equal(
    store.calls.filter((c) => c.op === 'put' && c.key?.startsWith('latest/')).map((c) => [c.key, c.failed]),
    [
      [KEYS.latestDocument('confluent--api.telemetry.confluent.cloud'), false],
      [KEYS.latestInfo('confluent--api.telemetry.confluent.cloud'), false],
      [KEYS.latestDocument('noprefix--api.telemetry.confluent.cloud'), true],
      // the rollback puts back the previous snapshot's bytes, the failed one's too
      [KEYS.latestDocument('confluent--api.telemetry.confluent.cloud'), false],
      [KEYS.latestInfo('confluent--api.telemetry.confluent.cloud'), false],
      [KEYS.latestDocument('noprefix--api.telemetry.confluent.cloud'), false],
      [KEYS.latestInfo('noprefix--api.telemetry.confluent.cloud'), false],
    ],
  );
});

test('a corrupt pointer refuses the run unless --force', async () => {
  const store = createMemoryStore();
  await store.put(KEYS.latestManifest, '{not json', 'application/json');
  try {
    await publishRun(depsFor(store, buildRenderInventory()));
    assert.unreachable('should refuse');
  } catch (err) {
    assert.ok(isAppError(err, 'MANIFEST_INVALID'), String(err));
    assert.match(String((err as Error).message), 'rerun with --force');
  }
  assert.is((await store.get(KEYS.latestManifest)).body.toString(), '{not json');
  const forced = await publishRun(depsFor(store, buildRenderInventory()), { force: true });
  assert.is(forced.outcome, 'published');
  assert.is(forced.previousRunId, null);
});

test.run();
