import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalJson } from '../../../src/bucket/canonical.js';
import { KEYS } from '../../../src/bucket/keys.js';
import { withFaults } from '../../../src/store/fault-store.js';
import { createMemoryStore } from '../../../src/store/memory-store.js';
import { buildFakeRun, publishFakeRun } from '../../helpers/bucket.js';
import { waitFor } from '../../helpers/poll.js';
import { AUTH, createServeFixture, type ServeFixture } from '../../helpers/serve-app.js';

const TARGET = 'api.telemetry.confluent.cloud';
const COMBINATIONS = [
  { targets: [TARGET], prefix: '' },
  { targets: [TARGET], prefix: 'confluent_' },
];
const DOC = 'noprefix--api.telemetry.confluent.cloud';
const RUN1 = '20260101T120000Z';
const RUN2 = '20260101T123000Z';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** `/ready` with a token: the failure in full. */
const ready = async (f: ServeFixture) =>
  JSON.parse((await f.app.inject({ url: '/ready', headers: AUTH })).body);
/** `/ready` as a probe asks it, without a token: a few words, no store location, no error text. */
const readyPublic = async (f: ServeFixture) => JSON.parse((await f.app.inject({ url: '/ready' })).body);
const doc = (f: ServeFixture, name = DOC) => f.app.inject({ url: `/sd/${name}.json`, headers: AUTH });

const s = suite<{ f: ServeFixture }>('document cache');
s.before.each(async (ctx) => {
  ctx.f = await createServeFixture();
});
s.after.each(async (ctx) => {
  await ctx.f.close();
});

s('an unchanged manifest is a conditional read that loads nothing', async ({ f }) => {
  await publishFakeRun(f.writer, { runId: RUN1, combinations: COMBINATIONS });
  assert.is(await f.documents.reload(), 'loaded');
  assert.is(await f.documents.reload(), 'unchanged');
  assert.is(f.documents.state().reloads, 1);
});

s('a refreshed checkedAt reloads the manifest but keeps the document buffers', async ({ f }) => {
  const { manifest } = await publishFakeRun(f.writer, { runId: RUN1, combinations: COMBINATIONS });
  await f.documents.reload();
  const before = f.documents.current()!.byName.get(DOC)!.body;
  await f.writer.put(
    KEYS.latestManifest,
    canonicalJson({ ...manifest, checkedAt: '2026-01-01T13:00:00.000Z' }),
    'application/json',
  );
  assert.is(await f.documents.reload(), 'loaded');
  assert.is(f.documents.current()!.manifest.checkedAt, '2026-01-01T13:00:00.000Z');
  assert.ok(f.documents.current()!.byName.get(DOC)!.body === before);
});

s('a document that does not match its sha256 keeps the old set and counts a failure', async ({ f }) => {
  const run1 = await publishFakeRun(f.writer, { runId: RUN1, combinations: COMBINATIONS });
  await f.documents.reload();
  // the publisher mid-switch: run 2's manifest is visible before its documents
  const run2 = buildFakeRun({ runId: RUN2, combinations: COMBINATIONS });
  await f.writer.put(KEYS.latestManifest, canonicalJson(run2.manifest), 'application/json');
  assert.is(await f.documents.reload(), 'failed');
  assert.is(f.documents.current()!.manifest.runId, RUN1);
  assert.ok((await doc(f)).rawPayload.equals(run1.bodies.get(DOC)!));
  assert.is(f.documents.state().reloadFailures, 1);
  const r = await ready(f);
  assert.is(r.ready, true);
  assert.match(
    r.reason,
    `serving run ${RUN1} (2 documents); last reload failed: latest/confluent--api.telemetry.confluent.cloud.json has sha256`,
  );
  assert.is(
    (await readyPublic(f)).reason,
    `serving run ${RUN1} (2 documents); last reload failed: a document does not match the manifest`,
  );
  // the documents arrive: the next poll switches
  for (const [name, body] of run2.bodies)
    await f.writer.put(KEYS.latestDocument(name), body, 'application/json');
  assert.is(await f.documents.reload(), 'loaded');
  assert.ok((await doc(f)).rawPayload.equals(run2.bodies.get(DOC)!));
  assert.is((await ready(f)).reason, `serving run ${RUN2} (2 documents)`);
});

s('a latest/ copy that does not match is read from the snapshot the manifest points to', async ({ f }) => {
  const run1 = await publishFakeRun(f.writer, { runId: RUN1, combinations: COMBINATIONS });
  // a publish whose rollback could not write: run 2's snapshot is complete, latest/ still holds run 1's bytes
  const run2 = buildFakeRun({ runId: RUN2, combinations: COMBINATIONS });
  for (const [name, body] of run2.bodies)
    await f.writer.put(KEYS.snapshotDocument(RUN2, name), body, 'application/json');
  await f.writer.put(KEYS.latestManifest, canonicalJson(run2.manifest), 'application/json');
  assert.ok(!run1.bodies.get(DOC)!.equals(run2.bodies.get(DOC)!));
  assert.is(await f.documents.reload(), 'loaded');
  assert.ok((await doc(f)).rawPayload.equals(run2.bodies.get(DOC)!));
});

s('a broken manifest keeps the old set', async ({ f }) => {
  await publishFakeRun(f.writer, { runId: RUN1, combinations: COMBINATIONS });
  await f.documents.reload();
  await f.writer.put(KEYS.latestManifest, '{"schemaVersion":1', 'application/json');
  assert.is(await f.documents.reload(), 'failed');
  assert.is(f.documents.current()!.manifest.runId, RUN1);
  assert.match((await ready(f)).reason, 'not JSON');
  assert.is(
    (await readyPublic(f)).reason,
    `serving run ${RUN1} (2 documents); last reload failed: latest/manifest.json is invalid`,
  );
});

s('an unreachable store keeps the last good documents served and /ready says why', async ({ f }) => {
  const run1 = await publishFakeRun(f.writer, { runId: RUN1, combinations: COMBINATIONS });
  await f.documents.reload();
  f.setUnreachable(true);
  assert.is(await f.documents.reload(), 'failed');
  const r = await doc(f);
  assert.is(r.statusCode, 200);
  assert.ok(r.rawPayload.equals(run1.bodies.get(DOC)!));
  const rd = await f.app.inject({ url: '/ready', headers: AUTH });
  assert.is(rd.statusCode, 200);
  assert.match(JSON.parse(rd.body).reason, 'last reload failed: read file:');
  assert.match(JSON.parse(rd.body).reason, 'ECONNREFUSED');
  assert.equal(await readyPublic(f), {
    ready: true,
    reason: `serving run ${RUN1} (2 documents); last reload failed: the store could not be read`,
    version: '1.2.3-test',
  });
  const metrics = (await f.app.inject({ url: '/metrics' })).body.split('\n');
  assert.ok(metrics.includes('confluent_sd_reload_failures_total 1'));
  f.setUnreachable(false);
  assert.is(await f.documents.reload(), 'unchanged');
});

s('an unreachable store before the first load: /ready 503 with the reason', async ({ f }) => {
  f.setUnreachable(true);
  assert.is(await f.documents.reload(), 'failed');
  const rd = await f.app.inject({ url: '/ready', headers: AUTH });
  assert.is(rd.statusCode, 503);
  assert.match(JSON.parse(rd.body).reason, 'ECONNREFUSED');
  const probe = await f.app.inject({ url: '/ready' });
  assert.equal([probe.statusCode, JSON.parse(probe.body).reason], [503, 'the store could not be read']);
  assert.not.match(probe.body, f.dir);
});

s('a document over SD_MAX_DOCUMENT_BYTES is never read: the reload fails, the old set stays', async () => {
  const store = withFaults(createMemoryStore(), []);
  const f = await createServeFixture({ store, config: { maxDocumentBytes: 4096 } });
  try {
    const run1 = await publishFakeRun(store, { runId: RUN1, combinations: COMBINATIONS, groups: 3 });
    assert.ok(run1.bodies.get(DOC)!.length < 4096);
    assert.is(await f.documents.reload(), 'loaded');
    const run2 = await publishFakeRun(store, { runId: RUN2, combinations: COMBINATIONS, groups: 40 });
    const big = run2.bodies.get('confluent--api.telemetry.confluent.cloud')!.length;
    assert.ok(big > 4096);
    const readsBefore = store.calls.length;
    assert.is(await f.documents.reload(), 'failed');
    assert.is(f.documents.current()!.manifest.runId, RUN1);
    assert.ok((await doc(f)).rawPayload.equals(run1.bodies.get(DOC)!));
    const read = store.calls.slice(readsBefore).map((c) => `${c.op} ${c.key}`);
    assert.equal(
      read.filter((c) => !c.includes('manifest.json') && !c.includes('status.json')),
      [],
      'no document read',
    );
    assert.match(
      (await ready(f)).reason,
      `last reload failed: latest/manifest.json lists confluent--api.telemetry.confluent.cloud.json of ${big} bytes, over SD_MAX_DOCUMENT_BYTES (4096)`,
    );
    assert.is(
      (await readyPublic(f)).reason,
      `serving run ${RUN1} (2 documents); last reload failed: a document is larger than SD_MAX_DOCUMENT_BYTES`,
    );
  } finally {
    await f.close();
  }
});

s('status.json feeds the publish-age metrics, failed runs included', async ({ f }) => {
  await publishFakeRun(f.writer, {
    runId: RUN1,
    combinations: COMBINATIONS,
    status: {
      outcome: 'failed',
      lastFailureAt: '2026-01-01T12:10:00.000Z',
      error: 'list environments: HTTP 500',
    },
  });
  await f.documents.reload();
  const lines = (await f.app.inject({ url: '/metrics' })).body.split('\n');
  assert.ok(lines.includes('confluent_sd_last_run_failed 1'));
  assert.ok(lines.includes('confluent_sd_last_failure_timestamp_seconds 1767269400'));
  assert.ok(lines.includes('confluent_sd_last_success_timestamp_seconds 1767268800'));
});

s('a reload under concurrent requests: every response is a complete document of one run', async ({ f }) => {
  const runs = ['20260101T120000Z', '20260101T123000Z', '20260101T130000Z', '20260101T133000Z'];
  const want = new Map<string, string>(); // sha256 → "<runId> <document>", for every document of every run
  for (const runId of runs) {
    for (const [name, body] of buildFakeRun({ runId, combinations: COMBINATIONS, groups: 200 }).bodies) {
      want.set(sha(body), `${runId} ${name}`);
    }
  }
  await publishFakeRun(f.writer, { runId: runs[0]!, combinations: COMBINATIONS, groups: 200 });
  assert.is(await f.documents.reload(), 'loaded');
  let stop = false;
  // inject() and an in-memory answer never leave the microtask queue: yield so that timers and disk I/O run
  const yieldToLoop = () => new Promise((r) => setImmediate(r));
  const poller = (async () => {
    while (!stop) {
      await f.documents.reload();
      await yieldToLoop();
    }
  })();
  const seen = new Map<string, number>();
  const problems: string[] = [];
  let responses = 0;
  const hammer = (async () => {
    while (!stop) {
      await yieldToLoop();
      const batch = await Promise.all(
        Array.from({ length: 32 }, (_, i) =>
          f.app.inject({
            url: i % 2 ? `/sd/${DOC}.json` : `/discovery?targets=${TARGET}&prefix=confluent_`,
            headers: i % 4 === 1 ? { ...AUTH, 'accept-encoding': 'gzip' } : AUTH,
          }),
        ),
      );
      for (const r of batch) {
        responses++;
        if (r.statusCode !== 200) problems.push(`status ${r.statusCode}`);
        const body = r.headers['content-encoding'] === 'gzip' ? gunzipSync(r.rawPayload) : r.rawPayload;
        const run = want.get(sha(body));
        if (!run) problems.push(`a body of ${body.length} bytes matches no run's document`);
        // headers and body of one response come from the same run
        else if (String(r.headers.etag).slice(1, 33) !== sha(body).slice(0, 32))
          problems.push(`etag of another run: ${run}`);
        else seen.set(run, (seen.get(run) ?? 0) + 1);
      }
    }
  })();
  try {
    for (const runId of [...runs.slice(1), runs[0]!, runs[1]!]) {
      const before = responses;
      await publishFakeRun(f.writer, { runId, combinations: COMBINATIONS, groups: 200 });
      await waitFor(() => f.documents.current()?.manifest.runId === runId, `run ${runId} to be served`);
      await waitFor(() => responses > before + 64, 'responses during this run');
    }
  } finally {
    stop = true;
    await Promise.all([poller, hammer]);
  }
  assert.equal(problems.slice(0, 5), []);
  const runsSeen = new Set([...seen.keys()].map((k) => k.split(' ')[0]));
  assert.equal([...runsSeen].sort(), runs);
  assert.ok(f.documents.state().reloads >= 6);
});

s.run();
