/**
 * Two publishers at once on one store (a manual `publish` during the CronJob's run), in process with a fixed
 * interleaving: one run is held at a chosen store call while the other runs whole. Snapshots are never
 * overwritten, one run wins the `latest/` switch, the other says so, and an unchanged run never undoes a switch.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS } from '../../../src/bucket/keys.js';
import { parseManifest } from '../../../src/bucket/manifest.js';
import { readRunLog } from '../../../src/bucket/run-log.js';
import { parseStatus } from '../../../src/bucket/status.js';
import type { Inventory } from '../../../src/discovery/resource.js';
import { publishRun } from '../../../src/publish/publish.js';
import { createMemoryStore } from '../../../src/store/memory-store.js';
import type { Store } from '../../../src/store/store.js';
import { bucketProblems, latestRunId } from '../../helpers/bucket-check.js';
import { fixedPublishDeps as depsFor } from '../../helpers/publish-deps.js';
import { buildRenderInventory } from '../../helpers/render-inventory.js';
import { isPointerWrite, withGate } from '../../helpers/store-gate.js';

/** The organisation with its last `drop` resources gone: another set of documents. */
function inventoryWithout(drop: number): Inventory {
  const inventory = buildRenderInventory();
  return { ...inventory, resources: inventory.resources.slice(0, inventory.resources.length - drop) };
}

const T0 = '2025-03-01T10:00:00Z';
const T1 = '2025-03-01T10:30:00.250Z';

async function published(): Promise<Store> {
  const store = createMemoryStore();
  await publishRun(depsFor(store, buildRenderInventory(), T0));
  return store;
}

test('two runs in one second: the second takes the next second, the first loses the switch and says so', async () => {
  const store = await published();
  // A has written its whole snapshot and waits at the switch while B runs from start to end
  const gate = withGate(store, isPointerWrite);
  const a = publishRun(depsFor(gate.store, inventoryWithout(1), T1));
  await gate.reached;
  const b = await publishRun(depsFor(store, inventoryWithout(2), T1));
  gate.release();
  const resultA = await a;
  assert.equal(
    [b.outcome, b.runId, b.snapshot],
    ['published', '20250301T103001Z', '20250301T103001Z'],
    'B found 10:30:00 taken',
  );
  assert.equal(
    [resultA.outcome, resultA.runId, resultA.snapshot],
    ['superseded', '20250301T103000Z', '20250301T103001Z'],
  );
  assert.equal(await bucketProblems(store), []);
  assert.is(await latestRunId(store), '20250301T103001Z');
  // the loser leaves status.json to the run that switched
  const status = parseStatus((await store.get(KEYS.status)).body.toString());
  assert.equal([status?.outcome, status?.snapshot], ['published', '20250301T103001Z']);
});

test('a run that loses its snapshot id to another run takes the next second and never touches latest/', async () => {
  const store = await published();
  // A waits before its first snapshot write; B takes 10:30:00 and publishes meanwhile
  const gate = withGate(store, (op, key) => op === 'create' && key?.startsWith('snapshots/') === true);
  const a = publishRun(depsFor(gate.store, inventoryWithout(1), T1));
  await gate.reached;
  const b = await publishRun(depsFor(store, inventoryWithout(2), T1));
  const latestBefore = (await store.get(KEYS.latestManifest)).body.toString();
  gate.release();
  const resultA = await a;
  assert.equal([b.outcome, b.runId], ['published', '20250301T103000Z']);
  assert.equal(
    [resultA.outcome, resultA.runId, resultA.snapshot],
    ['superseded', '20250301T103001Z', '20250301T103000Z'],
  );
  assert.is((await store.get(KEYS.latestManifest)).body.toString(), latestBefore);
  assert.equal(await bucketProblems(store), []);
});

test('an unchanged run never undoes another run switch', async () => {
  const store = await published();
  const gate = withGate(store, isPointerWrite);
  const unchanged = publishRun(depsFor(gate.store, buildRenderInventory(), T1));
  await gate.reached;
  const other = await publishRun(depsFor(store, inventoryWithout(1), T1));
  gate.release();
  const result = await unchanged;
  assert.equal([other.outcome, other.snapshot], ['published', '20250301T103000Z']);
  assert.equal([result.outcome, result.snapshot], ['superseded', '20250301T103000Z']);
  assert.is(await latestRunId(store), '20250301T103000Z');
  assert.equal(await bucketProblems(store), []);
  // the run that lost the switch leaves its trace in the run log, not in status.json
  const { entries } = await readRunLog(store);
  const record = entries.find((e) => e.kind === 'run' && e.attemptId === result.attemptId);
  assert.equal(record?.kind === 'run' && [record.outcome, record.snapshot, record.switchedAt], [
    'superseded',
    '20250301T103000Z',
    null,
  ]);
});

test('two unchanged runs at once both end unchanged; the pointer keeps the snapshot', async () => {
  const store = await published();
  const gate = withGate(store, isPointerWrite);
  const first = publishRun(depsFor(gate.store, buildRenderInventory(), '2025-03-01T10:30:00Z'));
  await gate.reached;
  const second = await publishRun(depsFor(store, buildRenderInventory(), '2025-03-01T10:30:05Z'));
  gate.release();
  const result = await first;
  assert.equal([second.outcome, result.outcome], ['unchanged', 'unchanged']);
  const pointer = parseManifest((await store.get(KEYS.latestManifest)).body.toString(), 'test');
  assert.equal([pointer.runId, pointer.checkedAt], ['20250301T100000Z', '2025-03-01T10:30:00.000Z']);
  assert.equal(await bucketProblems(store), []);
});

test('a run whose switch meets an unchanged run refresh still switches', async () => {
  const store = await published();
  const gate = withGate(store, isPointerWrite);
  const changing = publishRun(depsFor(gate.store, inventoryWithout(1), T1));
  await gate.reached;
  const unchanged = await publishRun(depsFor(store, buildRenderInventory(), T1));
  gate.release();
  const result = await changing;
  assert.is(unchanged.outcome, 'unchanged');
  assert.equal([result.outcome, result.snapshot], ['published', '20250301T103000Z']);
  assert.is(await latestRunId(store), '20250301T103000Z');
  assert.equal(await bucketProblems(store), []);
});

test('a folder a killed run left at the same second is not reused: the run takes the next second', async () => {
  const store = await published();
  const leftover = KEYS.snapshotDocument('20250301T103000Z', 'noprefix--api.telemetry.confluent.cloud');
  await store.put(leftover, '[]', 'application/json');
  const result = await publishRun(depsFor(store, inventoryWithout(1), T1));
  assert.equal([result.outcome, result.runId], ['published', '20250301T103001Z']);
  assert.is((await store.get(leftover)).body.toString(), '[]');
  assert.equal(await bucketProblems(store), []);
});

test.run();
