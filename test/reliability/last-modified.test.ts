/**
 * The server's validators under a skewed or fast publisher (issue 14 item 6): `Last-Modified` never goes backwards,
 * two contents never share it (two runs within one second), it is never ahead of the server's clock (a publisher a
 * year ahead), and `If-None-Match` decides a 304 whenever it is sent (RFC 9110 §13.1.3).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { canonicalJson } from '../../src/bucket/canonical.js';
import { KEYS } from '../../src/bucket/keys.js';
import { publishFakeRun } from '../helpers/bucket.js';
import { printTable } from '../helpers/reliability.js';
import { AUTH, createServeFixture, type ServeFixture } from '../helpers/serve-app.js';

const COMBINATIONS = [{ targets: ['api.telemetry.confluent.cloud'], prefix: '' }];
const URL = '/sd/noprefix--api.telemetry.confluent.cloud.json';
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

/** Publishes a run whose manifest says it was created at `createdAt` (the publisher's clock), and loads it. */
async function publishAt(f: ServeFixture, runId: string, createdAt: string): Promise<void> {
  const { manifest } = await publishFakeRun(f.writer, { runId, combinations: COMBINATIONS });
  await f.writer.put(KEYS.latestManifest, canonicalJson({ ...manifest, createdAt }), 'application/json');
  assert.is(await f.documents.reload(), 'loaded');
}

const get = (f: ServeFixture, headers: Record<string, string> = {}) =>
  f.app.inject({ url: URL, headers: { ...AUTH, ...headers } });

const t = suite<{ f: ServeFixture; rows: string[][] }>('Last-Modified under a skewed publisher clock');
t.before(async (ctx) => {
  ctx.rows = [];
});
t.before.each(async (ctx) => {
  ctx.f = await createServeFixture();
});
t.after.each(async (ctx) => {
  await ctx.f.close();
});
t.after((ctx) => {
  printTable(
    process.stdout,
    'Last-Modified under a skewed publisher clock',
    ['case', 'Last-Modified', 'answer'],
    ctx.rows,
  );
});

t('two changing runs within one second: different Last-Modified, the older one gets 200', async (ctx) => {
  const { f } = ctx;
  await publishAt(f, '20260101T120000Z', '2026-01-01T12:00:00.100Z');
  const first = await get(f);
  await publishAt(f, '20260101T120001Z', '2026-01-01T12:00:00.700Z');
  const second = await get(f);
  assert.is.not(second.headers.etag, first.headers.etag);
  assert.is(first.headers['last-modified'], 'Thu, 01 Jan 2026 12:00:00 GMT');
  assert.is(second.headers['last-modified'], 'Thu, 01 Jan 2026 12:00:01 GMT');
  const revalidated = await get(f, { 'if-modified-since': String(first.headers['last-modified']) });
  assert.is(revalidated.statusCode, 200);
  ctx.rows.push(['same second', String(second.headers['last-modified']), String(revalidated.statusCode)]);
});

t('a publisher clock set back: Last-Modified does not go backwards', async (ctx) => {
  const { f } = ctx;
  await publishAt(f, '20260101T120000Z', '2026-01-01T12:00:00.000Z');
  const first = await get(f);
  await publishAt(f, '20260101T120001Z', '2026-01-01T11:00:00.000Z');
  const second = await get(f);
  assert.is(second.headers['last-modified'], 'Thu, 01 Jan 2026 12:00:01 GMT');
  const revalidated = await get(f, { 'if-modified-since': String(first.headers['last-modified']) });
  assert.is(revalidated.statusCode, 200);
  ctx.rows.push([
    'clock an hour behind',
    String(second.headers['last-modified']),
    String(revalidated.statusCode),
  ]);
});

t(
  'a publisher a year ahead: Last-Modified not ahead of the server clock, later runs not stuck',
  async (ctx) => {
    const { f } = ctx;
    const before = Math.floor(Date.now() / 1000) * 1000;
    await publishAt(f, '20260101T120000Z', new Date(Date.now() + YEAR_MS).toISOString());
    const ahead = Date.parse(String((await get(f)).headers['last-modified']));
    assert.ok(ahead >= before && ahead <= Date.now(), `Last-Modified ${new Date(ahead).toISOString()}`);
    await publishAt(f, '20260101T120001Z', new Date().toISOString());
    const next = Date.parse(String((await get(f)).headers['last-modified']));
    assert.ok(next > ahead && next <= Date.now() + 1000, `Last-Modified ${new Date(next).toISOString()}`);
    ctx.rows.push(['clock a year ahead', new Date(ahead).toUTCString(), 'not ahead of the server']);
  },
);

t('If-None-Match decides when sent; If-Modified-Since only without it', async (ctx) => {
  const { f } = ctx;
  await publishAt(f, '20260101T120000Z', '2026-01-01T12:00:00.000Z');
  const { etag } = (await get(f)).headers;
  const future = 'Fri, 01 Jan 2100 00:00:00 GMT';
  const past = 'Thu, 01 Jan 2015 00:00:00 GMT';
  const cases: [string, Record<string, string>, number][] = [
    ['other ETag, IMS after', { 'if-none-match': '"0123"', 'if-modified-since': future }, 200],
    ['same ETag, IMS before', { 'if-none-match': String(etag), 'if-modified-since': past }, 304],
    ['IMS after, no ETag', { 'if-modified-since': future }, 304],
    ['IMS before, no ETag', { 'if-modified-since': past }, 200],
  ];
  for (const [name, headers, want] of cases) {
    const r = await get(f, headers);
    assert.is(r.statusCode, want, name);
    ctx.rows.push([name, String(r.headers['last-modified']), String(r.statusCode)]);
  }
});

t.run();
