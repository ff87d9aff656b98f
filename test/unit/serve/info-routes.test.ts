/**
 * GET /sd/<name>.info.prom: the info document of each document, from memory, with the documents' validators,
 * loaded and switched with its document, and absent (404) for a document whose manifest entry has none.
 */
import { createHash } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalJson } from '../../../src/bucket/canonical.js';
import { KEYS } from '../../../src/bucket/keys.js';
import { INFO_TYPE } from '../../../src/bucket/objects.js';
import {
  AUTH,
  buildInfoRun,
  createServeFixture,
  publishInfoRun,
  type ServeFixture,
} from '../../helpers/serve-app.js';

const TARGET = 'api.telemetry.confluent.cloud';
const COMBINATIONS = [
  { targets: [TARGET], prefix: '' },
  { targets: [TARGET], prefix: 'confluent_' },
];
const DOC = 'confluent--api.telemetry.confluent.cloud';
const BARE = 'noprefix--api.telemetry.confluent.cloud';
const RUN1 = '20260101T120000Z';
const RUN2 = '20260101T123000Z';
const INFO_URL = `/sd/${DOC}.info.prom`;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const json = (body: string) => JSON.parse(body) as Record<string, unknown>;

const s = suite<{ f: ServeFixture }>('info documents');
s.before.each(async (ctx) => {
  ctx.f = await createServeFixture();
});
s.after.each(async (ctx) => {
  await ctx.f.close();
});

const get = (f: ServeFixture, url: string, headers: Record<string, string> = AUTH) =>
  f.app.inject({ method: 'GET', url, headers });

s('200: the stored bytes as the text format, with the validators of a document', async ({ f }) => {
  const run = await publishInfoRun(f.writer, { runId: RUN1, combinations: COMBINATIONS, groups: 40 });
  assert.is(await f.documents.reload(), 'loaded');
  const info = run.infos.get(DOC)!;
  const r = await get(f, INFO_URL);
  assert.is(r.statusCode, 200);
  assert.ok(r.rawPayload.equals(info));
  assert.match(r.body, /^# HELP confluent_resource_info /);
  assert.equal(
    {
      type: r.headers['content-type'],
      etag: r.headers.etag,
      lastModified: r.headers['last-modified'],
      cacheControl: r.headers['cache-control'],
      vary: r.headers.vary,
      encoding: r.headers['content-encoding'],
    },
    {
      type: 'text/plain; version=0.0.4; charset=utf-8',
      etag: `"${run.manifest.documents[DOC]!.info!.sha256.slice(0, 32)}"`,
      lastModified: 'Thu, 01 Jan 2026 12:00:00 GMT',
      cacheControl: 'no-cache',
      vary: 'Accept-Encoding',
      encoding: undefined,
    },
  );
  assert.is(r.headers['content-type'], INFO_TYPE);
  // the document itself is untouched by its neighbour
  const d = await get(f, `/sd/${DOC}.json`);
  assert.ok(d.rawPayload.equals(run.bodies.get(DOC)!));
  assert.is(d.headers['content-type'], 'application/json');
  const head = await f.app.inject({ method: 'HEAD', url: INFO_URL, headers: AUTH });
  assert.equal([head.statusCode, head.body, head.headers['content-length']], [200, '', String(info.length)]);
});

s('304 on If-None-Match (either tag) and If-Modified-Since; gzip when asked', async ({ f }) => {
  const run = await publishInfoRun(f.writer, { runId: RUN1, combinations: COMBINATIONS, groups: 40 });
  await f.documents.reload();
  const info = run.infos.get(DOC)!;
  const etag = String((await get(f, INFO_URL)).headers.etag);
  const gz = await get(f, INFO_URL, { ...AUTH, 'accept-encoding': 'gzip' });
  assert.is(gz.statusCode, 200);
  assert.is(gz.headers['content-encoding'], 'gzip');
  assert.is(gz.headers.etag, `${etag.slice(0, -1)}-gzip"`);
  assert.ok(gunzipSync(gz.rawPayload).equals(info));
  assert.ok(gz.rawPayload.length < info.length);
  for (const [inm, enc] of [
    [etag, ''],
    [`W/${etag}`, ''],
    [String(gz.headers.etag), ''],
    [etag, 'gzip'],
    ['*', ''],
  ] as const) {
    const r = await get(f, INFO_URL, { ...AUTH, 'if-none-match': inm, 'accept-encoding': enc });
    assert.is(r.statusCode, 304, `${inm} ${enc}`);
    assert.is(r.body, '');
  }
  // the document's tag is not the info document's
  const docTag = String((await get(f, `/sd/${DOC}.json`)).headers.etag);
  assert.is.not(docTag, etag);
  assert.is((await get(f, INFO_URL, { ...AUTH, 'if-none-match': docTag })).statusCode, 200);
  const ims = (since: string) => get(f, INFO_URL, { ...AUTH, 'if-modified-since': since });
  assert.is((await ims('Thu, 01 Jan 2026 12:00:00 GMT')).statusCode, 304);
  assert.is((await ims('Thu, 01 Jan 2026 11:59:59 GMT')).statusCode, 200);
});

s(
  '401 without a token; 404 for an unknown one, and for a document without an info document',
  async ({ f }) => {
    await publishInfoRun(f.writer, { runId: RUN1, combinations: COMBINATIONS, withoutInfo: [BARE] });
    await f.documents.reload();
    const anonymous = await f.app.inject({ url: INFO_URL });
    assert.is(anonymous.statusCode, 401);
    assert.is(anonymous.headers['www-authenticate'], 'Bearer realm="confluent-sd"');
    assert.is(json(anonymous.body).error, 'unauthorized');
    const available = json((await get(f, '/sd/nope.json')).body).available;
    assert.equal(
      (available as { path: string }[]).map((a) => a.path),
      [`/sd/${DOC}.json`, `/sd/${BARE}.json`],
    );
    for (const url of [
      '/sd/nope.info.prom',
      `/sd/${BARE}.info.prom`,
      `/sd/${DOC}.prom`,
      `/sd/${DOC}.info`,
      `/sd/${DOC}.info.prom.json`,
      '/sd/.info.prom',
    ]) {
      const r = await get(f, url);
      assert.is(r.statusCode, 404, url);
      const body = json(r.body);
      const message = url.endsWith('.info.prom') ? 'no such info document' : 'no such document';
      assert.equal(body, { error: 'not_found', message, code: 404, available }, url);
    }
    // without info documents the document itself is still served
    assert.is((await get(f, `/sd/${BARE}.json`)).statusCode, 200);
  },
);

s('503 before anything was loaded, like the documents', async ({ f }) => {
  const r = await get(f, INFO_URL);
  assert.equal([r.statusCode, json(r.body).error, r.headers['retry-after']], [503, 'not_ready', '5']);
});

s('a manifest whose info document is missing or wrong keeps the whole previous set', async ({ f }) => {
  const run1 = await publishInfoRun(f.writer, { runId: RUN1, combinations: COMBINATIONS });
  await f.documents.reload();
  // run 2's documents are in place, its info document is not (nor in its snapshot)
  const run2 = buildInfoRun({ runId: RUN2, combinations: COMBINATIONS });
  for (const [name, body] of run2.bodies) {
    await f.writer.put(KEYS.latestDocument(name), body, 'application/json');
    await f.writer.put(KEYS.snapshotDocument(RUN2, name), body, 'application/json');
  }
  await f.writer.put(KEYS.latestInfo(DOC), run2.infos.get(BARE)!, INFO_TYPE);
  await f.writer.put(KEYS.latestManifest, canonicalJson(run2.manifest), 'application/json');
  assert.is(await f.documents.reload(), 'failed');
  assert.match(
    String(f.documents.state().lastError),
    `latest/${DOC}.info.prom has sha256 ${sha(run2.infos.get(BARE)!)}, the manifest says ${run2.manifest.documents[DOC]!.info!.sha256}; snapshots/${RUN2}/${DOC}.info.prom not found`,
  );
  assert.ok((await get(f, `/sd/${DOC}.json`)).rawPayload.equals(run1.bodies.get(DOC)!));
  assert.ok((await get(f, INFO_URL)).rawPayload.equals(run1.infos.get(DOC)!));
  // the snapshot copy arrives: it is used while latest/ still holds the wrong bytes
  for (const [name, body] of run2.infos) await f.writer.put(KEYS.snapshotInfo(RUN2, name), body, INFO_TYPE);
  assert.is(await f.documents.reload(), 'loaded');
  assert.ok((await get(f, `/sd/${DOC}.json`)).rawPayload.equals(run2.bodies.get(DOC)!));
  assert.ok((await get(f, INFO_URL)).rawPayload.equals(run2.infos.get(DOC)!));
  assert.ok((await get(f, `/sd/${BARE}.info.prom`)).rawPayload.equals(run2.infos.get(BARE)!));
});

s('buffers are kept per object: an info document changes without its document', async ({ f }) => {
  const run1 = await publishInfoRun(f.writer, { runId: RUN1, combinations: COMBINATIONS });
  await f.documents.reload();
  const before = f.documents.current()!.byName.get(DOC)!;
  // a refreshed checkedAt keeps both
  await f.writer.put(
    KEYS.latestManifest,
    canonicalJson({ ...run1.manifest, checkedAt: '2026-01-01T12:10:00.000Z' }),
    'application/json',
  );
  assert.is(await f.documents.reload(), 'loaded');
  const same = f.documents.current()!.byName.get(DOC)!;
  assert.ok(same.body === before.body && same.info!.body === before.info!.body);
  // a renamed cluster: the packed document is the same bytes, the info document is not
  const renamed = Buffer.from(run1.infos.get(DOC)!.toString('utf8').replace('cluster-0', 'renamed-0'));
  await f.writer.put(KEYS.latestInfo(DOC), renamed, INFO_TYPE);
  const entry = run1.manifest.documents[DOC]!;
  const manifest = {
    ...run1.manifest,
    checkedAt: '2026-01-01T12:20:00.000Z',
    documents: {
      ...run1.manifest.documents,
      [DOC]: { ...entry, info: { ...entry.info!, sha256: sha(renamed), bytes: renamed.length } },
    },
  };
  await f.writer.put(KEYS.latestManifest, canonicalJson(manifest), 'application/json');
  assert.is(await f.documents.reload(), 'loaded');
  const next = f.documents.current()!.byName.get(DOC)!;
  assert.ok(next.body === before.body);
  assert.ok(next.info!.body.equals(renamed));
  assert.ok((await get(f, INFO_URL)).rawPayload.equals(renamed));
  // an entry that lost its info document loses its route
  const { info: _dropped, ...withoutInfo } = entry;
  await f.writer.put(
    KEYS.latestManifest,
    canonicalJson({ ...manifest, documents: { ...manifest.documents, [DOC]: withoutInfo } }),
    'application/json',
  );
  assert.is(await f.documents.reload(), 'loaded');
  assert.is(f.documents.current()!.byName.get(DOC)!.info, undefined);
  assert.is((await get(f, INFO_URL)).statusCode, 404);
});

s('while runs switch, every set holds the documents and info documents of one run', async ({ f }) => {
  const runs = ['20260101T120000Z', '20260101T123000Z', '20260101T130000Z'];
  const runOf = new Map<string, string>(); // sha256 → runId, for every document and info document
  for (const runId of runs) {
    const run = buildInfoRun({ runId, combinations: COMBINATIONS, groups: 100 });
    for (const b of [...run.bodies.values(), ...run.infos.values()]) runOf.set(sha(b), runId);
  }
  await publishInfoRun(f.writer, { runId: runs[0]!, combinations: COMBINATIONS, groups: 100 });
  await f.documents.reload();
  const problems: string[] = [];
  const seen = new Set<string>();
  let stop = false;
  const check = async () => {
    while (!stop) {
      await new Promise((r) => setImmediate(r));
      const set = f.documents.current()!;
      for (const d of set.byName.values()) {
        const owners = new Set([runOf.get(sha(d.body)), runOf.get(sha(d.info!.body))]);
        if (owners.size !== 1 || !owners.has(set.manifest.runId))
          problems.push(`${set.manifest.runId} ${d.name}: ${[...owners].join(' ')}`);
      }
      const r = await get(f, INFO_URL);
      if (String(r.headers.etag).slice(1, 33) !== sha(r.rawPayload).slice(0, 32)) problems.push('etag');
      seen.add(set.manifest.runId);
    }
  };
  const checking = check();
  try {
    for (const runId of runs.slice(1)) {
      // the poll runs between every write of the publisher
      const writer = f.writer;
      const put = writer.put.bind(writer);
      writer.put = async (key, body, type) => {
        const out = await put(key, body, type);
        await f.documents.reload();
        return out;
      };
      try {
        await publishInfoRun(writer, { runId, combinations: COMBINATIONS, groups: 100 });
      } finally {
        writer.put = put;
      }
      assert.is(f.documents.current()!.manifest.runId, runId);
    }
  } finally {
    stop = true;
    await checking;
  }
  assert.equal(problems.slice(0, 5), []);
  assert.ok(seen.size >= 2);
});

s.run();
