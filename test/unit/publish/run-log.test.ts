/**
 * The publisher's run log (publish/run-record.ts, publish/run-log-fold.ts): one record per attempt for every
 * outcome, the manifest's forced/organisation/API key fields, and the fold of an ended day, on the memory store
 * with a simulated clock.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalJson } from '../../../src/bucket/canonical.js';
import { KEYS } from '../../../src/bucket/keys.js';
import { parseManifest } from '../../../src/bucket/manifest.js';
import {
  type RunRecord,
  readRunLog,
  runRecordKey,
  unchangedSummaryKey,
} from '../../../src/bucket/run-log.js';
import type { Inventory } from '../../../src/discovery/resource.js';
import { AppError } from '../../../src/errors.js';
import { type PublishDeps, publishRun } from '../../../src/publish/publish.js';
import { foldableDays, foldDay } from '../../../src/publish/run-log-fold.js';
import { withFaults } from '../../../src/store/fault-store.js';
import { createMemoryStore } from '../../../src/store/memory-store.js';
import type { Store } from '../../../src/store/store.js';
import { loadNamedParts } from '../../helpers/config.js';
import { fixedPublishDeps } from '../../helpers/publish-deps.js';
import { buildRenderInventory } from '../../helpers/render-inventory.js';
import { runRecord } from '../../helpers/run-log.js';

const WHERE = { host: 'confluent-sd-publish-29001-abcde', job: 'confluent-sd-publish-29001' };

function inventory(keep?: number): Inventory {
  const inv = buildRenderInventory();
  return {
    ...inv,
    environments: inv.environments.map((e) => ({ ...e, organizationId: 'org-7f3a' })),
    resources: keep === undefined ? inv.resources : inv.resources.slice(0, keep),
  };
}

function deps(store: Store, at: string, inv = inventory()): PublishDeps {
  return { ...fixedPublishDeps(store, inv, at), apiKeyIds: ['KEYID123'], where: WHERE };
}

async function records(store: Store): Promise<RunRecord[]> {
  return (await readRunLog(store)).entries.filter((e): e is RunRecord => e.kind === 'run');
}

async function rejects(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected the run to fail');
}

test('a published run records outcome, snapshot, switch time, organisation, key id, version and where', async () => {
  const store = createMemoryStore();
  const result = await publishRun(deps(store, '2026-11-20T07:00:00Z'));
  const [r] = await records(store);
  assert.equal(r, {
    kind: 'run',
    schemaVersion: 1,
    attemptId: result.attemptId,
    runId: '20261120T070000Z',
    startedAt: '2026-11-20T07:00:00.000Z',
    finishedAt: '2026-11-20T07:00:00.000Z',
    switchedAt: '2026-11-20T07:00:00.000Z',
    outcome: 'published',
    exitCode: 0,
    error: null,
    forced: null,
    resources: result.resources.byType,
    snapshot: '20261120T070000Z',
    previousSnapshot: null,
    organizationIds: ['org-7f3a'],
    apiKeyIds: ['KEYID123'],
    version: '0.0.0-test',
    where: WHERE,
  });
  const manifest = parseManifest(
    (await store.get(KEYS.snapshotManifest(r?.runId ?? ''))).body.toString(),
    't',
  );
  assert.equal(
    { forced: manifest.forced, organizationIds: manifest.organizationIds, apiKeyIds: manifest.apiKeyIds },
    { forced: null, organizationIds: ['org-7f3a'], apiKeyIds: ['KEYID123'] },
  );
  assert.not.ok(JSON.stringify(r).includes('secret'));
});

test('refused, then forced: both recorded; the forced reason is the guard and --force, also in the manifest', async () => {
  const store = createMemoryStore();
  await publishRun(deps(store, '2026-11-20T07:00:00Z'));
  const refused = await rejects(publishRun(deps(store, '2026-11-20T07:30:00Z', inventory(2))));
  assert.is(refused.code, 'GUARD_SHRINK');
  const forced = await publishRun(deps(store, '2026-11-20T08:00:00Z', inventory(2)), { force: true });
  assert.is(forced.outcome, 'published');
  const [, r, f] = await records(store);
  const reason = `GUARD_SHRINK: resources dropped from 8 to 2 (75% > SD_MAX_SHRINK 50%); published anyway (--force)`;
  assert.equal(
    [r?.outcome, r?.exitCode, r?.error?.code, r?.snapshot, r?.forced],
    ['refused', 3, 'GUARD_SHRINK', '20261120T070000Z', null],
  );
  assert.ok(r?.error?.message.startsWith('resources dropped from 8 to 2'));
  assert.equal(
    [f?.outcome, f?.exitCode, f?.forced, f?.snapshot],
    ['published', 0, { reason }, '20261120T080000Z'],
  );
  const manifest = parseManifest((await store.get(KEYS.latestManifest)).body.toString(), 't');
  assert.equal(manifest.forced, { reason });
});

test('a failed discovery and an abandoned run are recorded with their error and the snapshot kept', async () => {
  const store = createMemoryStore();
  await publishRun(deps(store, '2026-11-20T07:00:00Z'));
  const failing: PublishDeps = {
    ...deps(store, '2026-11-20T07:30:00Z'),
    discover: async () => {
      throw new AppError('API_UNAVAILABLE', 'list environments: server returned HTTP 503', {
        retryable: true,
      });
    },
  };
  await rejects(publishRun(failing));
  const controller = new AbortController();
  controller.abort(new Error('SIGTERM'));
  const aborted = await rejects(
    publishRun({ ...deps(store, '2026-11-20T08:00:00Z'), signal: controller.signal }),
  );
  assert.is(aborted.code, 'ABORTED');
  const [, failed, abandoned] = await records(store);
  assert.equal(
    [failed?.outcome, failed?.exitCode, failed?.error, failed?.resources, failed?.snapshot],
    [
      'failed',
      1,
      { code: 'API_UNAVAILABLE', message: 'list environments: server returned HTTP 503' },
      null,
      '20261120T070000Z',
    ],
  );
  assert.equal(
    [abandoned?.outcome, abandoned?.error?.code, abandoned?.snapshot],
    ['aborted', 'ABORTED', '20261120T070000Z'],
  );
});

test('a run-log record that cannot be written is a warning: the outcome stands', async () => {
  const memory = createMemoryStore();
  const store = withFaults(memory, { op: 'create', key: 'runs/' });
  const result = await publishRun(deps(store, '2026-11-20T07:00:00Z'));
  assert.is(result.outcome, 'published');
  assert.match(result.runLogError ?? '', /runs\/2026-11-20\//);
  assert.equal(await records(memory), []);
});

test('--force never writes over a latest/manifest.json of a newer schema', async () => {
  const store = createMemoryStore();
  await publishRun(deps(store, '2026-11-20T07:00:00Z'));
  const pointer = JSON.parse((await store.get(KEYS.latestManifest)).body.toString());
  const newer = canonicalJson({ ...pointer, schemaVersion: 99 });
  await store.put(KEYS.latestManifest, newer, 'application/json');
  const err = await rejects(publishRun(deps(store, '2026-11-20T07:30:00Z'), { force: true }));
  assert.is(err.code, 'SCHEMA_UNSUPPORTED');
  assert.match(err.message, /even with --force/);
  assert.is((await store.get(KEYS.latestManifest)).body.toString(), newer);
  assert.is((await records(store)).at(-1)?.exitCode, 2);
});

test('a corrupted pointer taken as "no previous snapshot" by --force is the forced reason', async () => {
  const store = createMemoryStore();
  await publishRun(deps(store, '2026-11-20T07:00:00Z'));
  await store.put(KEYS.latestManifest, '{"not":"a manifest"}', 'application/json');
  await publishRun(deps(store, '2026-11-20T07:30:00Z'), { force: true });
  const forced = (await records(store)).at(-1);
  assert.match(
    forced?.forced?.reason ?? '',
    /^read .*latest\/manifest\.json: .*taken as no previous snapshot \(--force\)$/,
  );
});

test('foldableDays: the week before today, a day only an hour after it ended', () => {
  assert.equal(foldableDays(new Date('2026-11-20T00:30:00Z'), 3), ['2026-11-17', '2026-11-18']);
  assert.equal(foldableDays(new Date('2026-11-20T01:00:00Z'), 3), ['2026-11-17', '2026-11-18', '2026-11-19']);
});

test('the next run folds the ended day: plain unchanged runs into unchanged.json, the rest stays', async () => {
  const store = createMemoryStore();
  await publishRun(deps(store, '2026-11-19T07:00:00Z'));
  for (const at of ['2026-11-19T07:30:00Z', '2026-11-19T08:00:00Z', '2026-11-19T08:30:00Z'])
    await publishRun(deps(store, at));
  await rejects(publishRun(deps(store, '2026-11-19T09:00:00Z', inventory(2))));
  const before = await records(store);
  assert.is(before.length, 5);
  // still within the hour's grace: nothing folded
  await publishRun(deps(store, '2026-11-20T00:30:00Z'));
  assert.is((await store.list('runs/2026-11-19/')).length, 5);
  await publishRun(deps(store, '2026-11-20T01:00:00Z'));
  const day = await readRunLog(store, { to: '2026-11-20T00:00:00Z' });
  const unchanged = before.filter((r) => r.outcome === 'unchanged');
  assert.equal(
    day.entries.map((e) => (e.kind === 'run' ? e.outcome : `summary of ${e.count}`)),
    ['published', 'summary of 3', 'refused'],
  );
  const summary = day.entries[1];
  assert.equal(
    summary?.kind === 'unchanged-summary' && summary.attemptIds,
    unchanged.map((r) => r.attemptId),
  );
  assert.equal(summary?.kind === 'unchanged-summary' && summary.snapshots, ['20261119T070000Z']);
  assert.equal(summary?.kind === 'unchanged-summary' && summary.where, [WHERE]);
});

test('foldDay after a fold cut short deletes what the summary lists and keeps a record it does not', async () => {
  const store = createMemoryStore();
  const listed = runRecord({ attemptId: '20261120T070000Z-00000001' });
  const late = runRecord({ attemptId: '20261120T233000Z-00000002', startedAt: '2026-11-20T23:30:00.000Z' });
  for (const r of [listed, late])
    await store.put(runRecordKey(r.startedAt, r.attemptId), canonicalJson(r), 'application/json');
  const summary = {
    kind: 'unchanged-summary',
    schemaVersion: 1,
    day: '2026-11-20',
    count: 2,
    firstStartedAt: '2026-11-20T00:00:00.000Z',
    lastFinishedAt: '2026-11-20T07:00:09.000Z',
    attemptIds: ['20261120T000000Z-00000000', listed.attemptId],
    snapshots: ['20261119T070000Z'],
    versions: ['0.1.0'],
    organizationIds: ['org-1'],
    apiKeyIds: ['KEY1'],
    where: [{ host: 'pod-a' }],
  };
  await store.put(unchangedSummaryKey('2026-11-20'), canonicalJson(summary), 'application/json');
  assert.is(await foldDay(store, '2026-11-20'), 1);
  assert.equal(
    (await store.list('runs/')).map((o) => o.key),
    ['runs/2026-11-20/20261120T233000Z-00000002.json', 'runs/2026-11-20/unchanged.json'],
  );
  assert.is(
    await foldDay(store, '2026-11-20'),
    0,
    'the late record is never folded into a summary made before it',
  );
});

test('where: HOSTNAME, POD_NAME, POD_NAMESPACE, JOB_NAME, CRONJOB_NAME when set, blank ones left out', () => {
  const env = {
    HOSTNAME: 'confluent-sd-publish-29001-abcde',
    POD_NAME: 'confluent-sd-publish-29001-abcde',
    POD_NAMESPACE: 'monitoring',
    JOB_NAME: ' ',
    CRONJOB_NAME: 'confluent-sd-publish',
  };
  assert.equal(loadNamedParts(env, ['where']).where, {
    host: 'confluent-sd-publish-29001-abcde',
    pod: 'confluent-sd-publish-29001-abcde',
    namespace: 'monitoring',
    cronJob: 'confluent-sd-publish',
  });
  assert.equal(loadNamedParts({}, ['where']).where, {});
});

test.run();
