/**
 * A publish run end to end against the simulator and both stores: snapshots, unchanged runs, changes, faults,
 * guards, and uploads that fail halfway (DESIGN §4, stale beats partial).
 */

import { createHash } from 'node:crypto';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS } from '../../src/bucket/keys.js';
import type { Manifest } from '../../src/bucket/manifest.js';
import type { Status } from '../../src/bucket/status.js';
import { publishCommand } from '../../src/publish/command.js';
import { countResources } from '../../src/simulator/org.js';
import { type PublishStack, type StoreKind, startPublishStack } from '../helpers/publish-stack.js';
import { runCommand } from '../helpers/run-command.js';
import { lastRunOutcome } from '../helpers/run-log.js';
import { createSimAdmin } from '../helpers/sim-admin.js';
import { readJson, storeState, withoutRunLog } from '../helpers/store-state.js';

type Ctx = PublishStack;

const setUp = (kind: StoreKind) =>
  startPublishStack(kind, {
    sim: { seed: 7, environments: 3, kafkaPerEnv: 2, connectorsPerCluster: 2 },
    env: { SD_API_TIMEOUT_MS: '1000', SD_API_RETRIES: '8' },
  });

const publish = (ctx: Ctx, ...argv: string[]) => runCommand(publishCommand, argv, ctx.env);

for (const kind of ['file', 's3'] as const) {
  const t = suite<{ ctx: Ctx; first?: Manifest }>(`publish (${kind} store)`);
  t.before(async (s) => {
    s.ctx = await setUp(kind);
  });
  t.after(async (s) => {
    await s.ctx.cleanup();
  });

  t('the first run writes a snapshot, latest/ and status.json', async (s) => {
    const { ctx } = s;
    const run = await publish(ctx);
    assert.is(run.code, 0, run.stderr);
    const manifest = await readJson<Manifest>(ctx.store, KEYS.latestManifest);
    const expected = countResources(ctx.sim.org);
    assert.is(manifest.resources.total, expected.total);
    assert.equal(manifest.resources.byType, expected.byType);
    assert.is(manifest.previousRunId, null);
    assert.equal(manifest.organizationIds, [ctx.sim.org.organizationId]);
    assert.equal(manifest.apiKeyIds, [ctx.env.CONFLUENT_API_KEY]);
    assert.equal(await lastRunOutcome(ctx.store), 'published');
    assert.equal(Object.keys(manifest.documents).sort(), [
      'confluent--api.telemetry.confluent.cloud',
      'noprefix--api.telemetry.confluent.cloud',
    ]);
    for (const [name, entry] of Object.entries(manifest.documents)) {
      for (const key of [KEYS.latestDocument(name), KEYS.snapshotDocument(manifest.runId, name)]) {
        const obj = await ctx.store.get(key);
        assert.ok(obj, key);
        assert.is(obj.contentType, 'application/json');
        assert.is(createHash('sha256').update(obj.body).digest('hex'), entry.sha256, key);
        assert.is((JSON.parse(obj.body.toString()) as unknown[]).length, expected.total);
      }
    }
    assert.equal(await readJson<Manifest>(ctx.store, KEYS.snapshotManifest(manifest.runId)), manifest);
    const status = await readJson<Status>(ctx.store, KEYS.status);
    assert.equal([status.outcome, status.snapshot, status.error], ['published', manifest.runId, null]);
    const stages = run.logs.map((l) => l.msg);
    for (const m of ['discovery finished', 'render finished', 'snapshot published', 'publish finished'])
      assert.ok(stages.includes(m), m);
    assert.not.match(JSON.stringify(run.logs), /sim-secret|c2ltLWtleTpzaW0tc2VjcmV0/);
    s.first = manifest;
  });

  t('a run with the same organisation writes no snapshot and two small objects', async (s) => {
    const before = await storeState(s.ctx.store, 'snapshots/');
    const run = await publish(s.ctx);
    assert.is(run.code, 0, run.stderr);
    assert.match(run.stdout, /^unchanged: .* 2 objects written/m);
    assert.equal(await storeState(s.ctx.store, 'snapshots/'), before);
    const manifest = await readJson<Manifest>(s.ctx.store, KEYS.latestManifest);
    assert.is(manifest.runId, s.first?.runId);
    assert.ok(manifest.checkedAt > (s.first?.checkedAt ?? ''));
    assert.is((await readJson<Status>(s.ctx.store, KEYS.status)).outcome, 'unchanged');
  });

  t('a change writes a new snapshot that points to the previous one', async (s) => {
    const admin = createSimAdmin(s.ctx.sim.url);
    const envId = s.ctx.sim.org.environments[0]?.id;
    await admin.call('POST', '/_sim/kafka-clusters', { environment: envId, display_name: 'new-cluster' });
    const run = await publish(s.ctx);
    assert.is(run.code, 0, run.stderr);
    const manifest = await readJson<Manifest>(s.ctx.store, KEYS.latestManifest);
    assert.is.not(manifest.runId, s.first?.runId);
    assert.is(manifest.previousRunId, s.first?.runId);
    assert.is(manifest.resources.total, (s.first?.resources.total ?? 0) + 1);
    const snapshots = new Set((await s.ctx.store.list('snapshots/')).map((o) => o.key.split('/')[1]));
    assert.equal([...snapshots].sort(), [s.first?.runId, manifest.runId].sort());
  });

  t('a fault rate of 20% gives the same bytes as a fault-free run', async (s) => {
    const before = await storeState(s.ctx.store, 'latest/');
    s.ctx.sim.setConfig({ faultRate: 0.2 });
    try {
      const run = await publish(s.ctx);
      assert.is(run.code, 0, run.stderr);
      assert.match(run.stdout, /^unchanged:/m);
    } finally {
      s.ctx.sim.setConfig({ faultRate: 0 });
    }
    const after = await storeState(s.ctx.store, 'latest/');
    delete before[KEYS.latestManifest];
    delete after[KEYS.latestManifest];
    assert.equal(after, before);
  });

  t('a fault that outlasts the retries leaves latest/ and snapshots/ as they were and exits 1', async (s) => {
    const before = await storeState(s.ctx.store, '');
    delete before[KEYS.status];
    s.ctx.sim.setConfig({ faultRate: 1 });
    try {
      const run = await runCommand(publishCommand, [], { ...s.ctx.env, SD_API_RETRIES: '1' });
      assert.is(run.code, 1);
      assert.match(run.stderr, /HTTP|timed out|timeout|JSON|body/i);
    } finally {
      s.ctx.sim.setConfig({ faultRate: 0 });
    }
    const after = await storeState(s.ctx.store, '');
    delete after[KEYS.status];
    assert.equal(withoutRunLog(after), withoutRunLog(before));
    assert.equal(await lastRunOutcome(s.ctx.store), 'failed');
    const status = await readJson<Status>(s.ctx.store, KEYS.status);
    assert.is(status.outcome, 'failed');
    assert.ok(status.error && status.error.length > 0);
    assert.ok(status.lastSuccessAt && status.lastFailureAt);
  });

  t('the shrink guard exits 3 and leaves everything as it was; --force publishes', async (s) => {
    const admin = createSimAdmin(s.ctx.sim.url);
    const envs = s.ctx.sim.org.environments.map((e) => e.id);
    for (const id of envs.slice(1)) await admin.call('DELETE', `/_sim/resources/${id}`);
    const before = await storeState(s.ctx.store, '');
    delete before[KEYS.status];
    const run = await publish(s.ctx);
    assert.is(run.code, 3, run.stderr);
    assert.match(run.stderr, /SD_MAX_SHRINK/);
    const after = await storeState(s.ctx.store, '');
    delete after[KEYS.status];
    assert.equal(withoutRunLog(after), withoutRunLog(before));
    assert.equal(await lastRunOutcome(s.ctx.store), 'refused');
    assert.is((await readJson<Status>(s.ctx.store, KEYS.status)).outcome, 'refused');
    const forced = await publish(s.ctx, '--force');
    assert.is(forced.code, 0, forced.stderr);
    assert.is(
      (await readJson<Manifest>(s.ctx.store, KEYS.latestManifest)).resources.total,
      countResources(s.ctx.sim.org).total,
    );
  });

  t('zero resources is refused with exit 3', async (s) => {
    const admin = createSimAdmin(s.ctx.sim.url);
    for (const e of s.ctx.sim.org.environments.map((x) => x.id))
      await admin.call('DELETE', `/_sim/resources/${e}`);
    const run = await publish(s.ctx);
    assert.is(run.code, 3);
    assert.match(run.stderr, /zero resources/);
  });

  t.run();
}

const half = suite<{ ctx: Ctx }>('publish: an S3 endpoint that starts refusing PUTs halfway');
half.before(async (s) => {
  s.ctx = await setUp('s3');
});
half.after(async (s) => {
  await s.ctx.cleanup();
});
half('latest/manifest.json keeps pointing at a complete snapshot', async (s) => {
  const first = await publish(s.ctx);
  assert.is(first.code, 0, first.stderr);
  const admin = createSimAdmin(s.ctx.sim.url);
  await admin.call('POST', '/_sim/kafka-clusters', {
    environment: s.ctx.sim.org.environments[0]?.id,
    display_name: 'extra',
  });
  // each failing PUT point in turn: inside the snapshot, inside latest/, at the pointer
  for (const after of [1, 3, 4, 5]) {
    s.ctx.s3?.refusePutsAfter(after);
    const run = await runCommand(publishCommand, [], { ...s.ctx.env, SD_API_RETRIES: '0' });
    s.ctx.s3?.setRefusePuts(false);
    assert.is(run.code, 1, `refusing after ${after}: ${run.stdout}`);
    const manifest = await readJson<Manifest>(s.ctx.store, KEYS.latestManifest);
    for (const [name, entry] of Object.entries(manifest.documents)) {
      const obj = await s.ctx.store.get(KEYS.snapshotDocument(manifest.runId, name));
      assert.ok(obj);
      assert.is(createHash('sha256').update(obj.body).digest('hex'), entry.sha256);
    }
  }
  const ok = await publish(s.ctx);
  assert.is(ok.code, 0, ok.stderr);
});
half.run();
