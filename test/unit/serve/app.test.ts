import { gunzipSync } from 'node:zlib';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { publishFakeRun } from '../../helpers/bucket.js';
import { AUTH, createServeFixture, type ServeFixture, TOKEN } from '../../helpers/serve-app.js';

const TARGET = 'api.telemetry.confluent.cloud';
const COMBINATIONS = [
  { targets: [TARGET], prefix: '' },
  { targets: [TARGET], prefix: 'confluent_' },
  { targets: [TARGET, 'proxy.example:9090'], prefix: 'confluent_' },
];
const RUN = '20260101T120000Z';
const NOW = new Date('2026-01-01T12:30:00.000Z');

interface Ctx {
  f: ServeFixture;
  bodies: Map<string, Buffer>;
}
const app = suite<Ctx>('serve app');

app.before.each(async (ctx) => {
  ctx.f = await createServeFixture({ now: () => NOW });
  ctx.bodies = (
    await publishFakeRun(ctx.f.writer, { runId: RUN, combinations: COMBINATIONS, groups: 40 })
  ).bodies;
  assert.is(await ctx.f.documents.reload(), 'loaded');
});
app.after.each(async (ctx) => {
  await ctx.f.close();
});

const json = (body: string) => JSON.parse(body) as Record<string, unknown>;
const get = (f: ServeFixture, url: string, headers: Record<string, string> = AUTH) =>
  f.app.inject({ method: 'GET', url, headers });

app('GET /discovery answers the stored bytes with validators', async ({ f, bodies }) => {
  const r = await get(f, `/discovery?targets=${TARGET}&prefix=confluent_`);
  assert.is(r.statusCode, 200);
  assert.ok(r.rawPayload.equals(bodies.get('confluent--api.telemetry.confluent.cloud')!));
  assert.is(r.headers['content-type'], 'application/json');
  assert.match(String(r.headers.etag), /^"[0-9a-f]{32}"$/);
  assert.is(r.headers['last-modified'], 'Thu, 01 Jan 2026 12:00:00 GMT');
  assert.is(r.headers.vary, 'Accept-Encoding');
  assert.is(r.headers['content-encoding'], undefined);
});

app('prefix absent means the empty prefix; target order and whitespace', async ({ f, bodies }) => {
  const r = await get(f, `/discovery?targets=${TARGET}`);
  assert.is(r.statusCode, 200);
  assert.ok(r.rawPayload.equals(bodies.get('noprefix--api.telemetry.confluent.cloud')!));
  const two = await get(f, `/discovery?targets=${TARGET},%20proxy.example:9090&prefix=confluent_`);
  assert.is(two.statusCode, 200);
  assert.ok(
    two.rawPayload.equals(bodies.get('confluent--api.telemetry.confluent.cloud--proxy.example-9090')!),
  );
  const swapped = await get(f, `/discovery?targets=proxy.example:9090,${TARGET}&prefix=confluent_`);
  assert.is(swapped.statusCode, 404);
});

app('GET /sd/<name>.json answers the same document; /sd lists them', async ({ f, bodies }) => {
  const byName = await get(f, '/sd/confluent--api.telemetry.confluent.cloud.json');
  const byQuery = await get(f, `/discovery?targets=${TARGET}&prefix=confluent_`);
  assert.is(byName.statusCode, 200);
  assert.ok(byName.rawPayload.equals(bodies.get('confluent--api.telemetry.confluent.cloud')!));
  assert.is(byName.headers.etag, byQuery.headers.etag);
  const index = await get(f, '/sd');
  assert.is(index.statusCode, 200);
  const list = json(index.body);
  assert.is(list.runId, RUN);
  assert.equal(
    (list.documents as { path: string }[]).map((d) => d.path),
    [
      '/sd/confluent--api.telemetry.confluent.cloud.json',
      '/sd/confluent--api.telemetry.confluent.cloud--proxy.example-9090.json',
      '/sd/noprefix--api.telemetry.confluent.cloud.json',
    ],
  );
  for (const bad of [
    '/sd/nope.json',
    '/sd/noprefix--api.telemetry.confluent.cloud',
    '/sd/..%2f..%2fetc.json',
  ]) {
    const r = await get(f, bad);
    assert.is(r.statusCode, 404, bad);
    assert.is(json(r.body).error, 'not_found');
  }
});

app('304 on If-None-Match (strong, weak, lists, *) and on If-Modified-Since', async ({ f }) => {
  const url = `/discovery?targets=${TARGET}`;
  const etag = String((await get(f, url)).headers.etag);
  for (const inm of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
    const r = await get(f, url, { ...AUTH, 'if-none-match': inm });
    assert.is(r.statusCode, 304, inm);
    assert.is(r.body, '');
    assert.is(r.headers.etag, etag);
  }
  const changed = await get(f, url, { ...AUTH, 'if-none-match': '"0123"' });
  assert.is(changed.statusCode, 200);
  const ims = await get(f, url, { ...AUTH, 'if-modified-since': 'Thu, 01 Jan 2026 12:00:00 GMT' });
  assert.is(ims.statusCode, 304);
  const older = await get(f, url, { ...AUTH, 'if-modified-since': 'Thu, 01 Jan 2026 11:59:59 GMT' });
  assert.is(older.statusCode, 200);
});

app('gzip when the client asks for it, identity otherwise', async ({ f, bodies }) => {
  const url = `/discovery?targets=${TARGET}`;
  const body = bodies.get('noprefix--api.telemetry.confluent.cloud')!;
  const gz = await get(f, url, { ...AUTH, 'accept-encoding': 'gzip, deflate' });
  assert.is(gz.statusCode, 200);
  assert.is(gz.headers['content-encoding'], 'gzip');
  assert.ok(gunzipSync(gz.rawPayload).equals(body));
  assert.ok(gz.rawPayload.length < body.length);
  assert.match(String(gz.headers.etag), /^"[0-9a-f]{32}-gzip"$/);
  // a gzip client revalidating with the identity tag, and the other way round, both get 304
  const identity = await get(f, url);
  const cross = await get(f, url, {
    ...AUTH,
    'accept-encoding': 'gzip',
    'if-none-match': String(identity.headers.etag),
  });
  assert.is(cross.statusCode, 304);
  for (const ae of ['gzip;q=0', 'br', 'identity', '*;q=0']) {
    const r = await get(f, url, { ...AUTH, 'accept-encoding': ae });
    assert.is(r.headers['content-encoding'], undefined, ae);
    assert.ok(r.rawPayload.equals(body), ae);
  }
});

app('HEAD works wherever GET does', async ({ f }) => {
  for (const url of [
    `/discovery?targets=${TARGET}`,
    '/sd/noprefix--api.telemetry.confluent.cloud.json',
    '/health',
  ]) {
    const g = await get(f, url);
    const h = await f.app.inject({ method: 'HEAD', url, headers: AUTH });
    assert.is(h.statusCode, 200, url);
    assert.is(h.body, '');
    assert.is(h.headers['content-length'], g.headers['content-length'], url);
  }
});

app('400 for missing, empty, repeated, oversized or invalid targets and prefixes', async ({ f }) => {
  const cases: [string, string][] = [
    ['/discovery', 'invalid_targets'],
    ['/discovery?targets=', 'invalid_targets'],
    ['/discovery?targets=,,%20', 'invalid_targets'],
    ['/discovery?prefix=confluent_', 'invalid_targets'],
    [`/discovery?targets=https://${TARGET}`, 'invalid_targets'],
    [`/discovery?targets=${TARGET}/path`, 'invalid_targets'],
    [`/discovery?targets=${TARGET},${TARGET}`, 'invalid_targets'],
    [`/discovery?targets=${TARGET}&targets=${TARGET}`, 'invalid_targets'],
    [`/discovery?targets=${'a'.repeat(5000)}`, 'invalid_targets'],
    [`/discovery?targets=${TARGET}&prefix=__meta_`, 'invalid_prefix'],
    [`/discovery?targets=${TARGET}&prefix=1abc`, 'invalid_prefix'],
    [`/discovery?targets=${TARGET}&prefix=a-b`, 'invalid_prefix'],
    [`/discovery?targets=${TARGET}&prefix=a&prefix=b`, 'invalid_prefix'],
    [`/discovery?targets=${TARGET}&prefix=%00`, 'invalid_prefix'],
  ];
  for (const [url, error] of cases) {
    const r = await get(f, url);
    assert.is(r.statusCode, 400, url);
    const body = json(r.body);
    assert.is(body.error, error, url);
    assert.is(body.code, 400);
    assert.type(body.message, 'string');
    assert.is(r.headers['content-type'], 'application/json; charset=utf-8');
  }
});

app('404 for a valid combination that was not rendered lists the available ones', async ({ f }) => {
  const r = await get(f, '/discovery?targets=other.example&prefix=x_');
  assert.is(r.statusCode, 404);
  const body = json(r.body);
  assert.is(body.error, 'not_found');
  assert.is(body.code, 404);
  assert.match(String(body.message), 'targets=api.telemetry.confluent.cloud prefix="confluent_"');
  assert.equal(
    (body.available as { targets: string[]; prefix: string }[]).map((a) => [a.targets.join(','), a.prefix]),
    [
      [TARGET, 'confluent_'],
      [`${TARGET},proxy.example:9090`, 'confluent_'],
      [TARGET, ''],
    ],
  );
});

app('401 without or with a wrong token, with WWW-Authenticate; bare tokens accepted', async ({ f }) => {
  const url = `/discovery?targets=${TARGET}`;
  for (const authorization of [
    undefined,
    'Bearer wrong-token-0123456789',
    `Basic ${TOKEN}`,
    'Bearer',
    `Bearer ${TOKEN}x`,
  ]) {
    const r = await f.app.inject({ url, headers: authorization ? { authorization } : {} });
    assert.is(r.statusCode, 401, authorization);
    assert.equal(json(r.body), {
      error: 'unauthorized',
      message: 'a valid bearer token is required',
      code: 401,
    });
    assert.is(r.headers['www-authenticate'], 'Bearer realm="confluent-sd"');
  }
  // Prometheus < 2.48 sends the credentials without "Bearer " (prometheus#12762)
  for (const authorization of [TOKEN, `bearer ${TOKEN}`, `BEARER  ${TOKEN}`]) {
    const r = await f.app.inject({ url, headers: { authorization } });
    assert.is(r.statusCode, 200, authorization);
  }
  for (const open of ['/health', '/ready', '/metrics']) {
    assert.is((await f.app.inject({ url: open })).statusCode, 200, open);
  }
  assert.not.match(f.logText(), TOKEN);
});

app('405 for every method but GET and HEAD, before any body is parsed', async ({ f }) => {
  for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const) {
    for (const url of ['/discovery', '/health', '/nope']) {
      const r = await f.app.inject({
        method,
        url,
        headers: { ...AUTH, 'content-type': 'application/json' },
        payload: '{not json',
      });
      assert.is(r.statusCode, 405, `${method} ${url}`);
      assert.is(r.headers.allow, 'GET, HEAD');
      assert.is(json(r.body).error, 'method_not_allowed');
    }
  }
});

app('404 for unknown routes, 400 for malformed URLs, both as JSON', async ({ f }) => {
  const nf = await get(f, '/nope');
  assert.equal(json(nf.body), { error: 'not_found', message: 'no such route', code: 404 });
  const bad = await get(f, '/sd/%E0%A4%A');
  assert.is(bad.statusCode, 400);
  assert.is(json(bad.body).error, 'bad_request');
});

app('/health, /ready and /metrics', async ({ f }) => {
  const health = await f.app.inject({ url: '/health' });
  assert.equal(json(health.body), { status: 'healthy', version: '1.2.3-test', time: NOW.toISOString() });
  const ready = await f.app.inject({ url: '/ready' });
  assert.is(ready.statusCode, 200);
  assert.equal(json(ready.body), {
    ready: true,
    reason: `serving run ${RUN} (3 documents)`,
    version: '1.2.3-test',
  });
  await get(f, `/discovery?targets=${TARGET}`);
  await get(f, '/nope', {});
  const m = await f.app.inject({ url: '/metrics' });
  assert.is(m.statusCode, 200);
  assert.match(String(m.headers['content-type']), 'text/plain');
  const lines = m.body.split('\n');
  for (const want of [
    'confluent_sd_http_requests_total{route="/discovery",method="GET",status="200"} 1',
    'confluent_sd_http_requests_total{route="not_found",method="GET",status="401"} 1',
    'confluent_sd_http_request_duration_seconds_count{route="/discovery"} 1',
    'confluent_sd_documents_loaded 3',
    'confluent_sd_resources{type="kafka"} 40',
    'confluent_sd_reloads_total 1',
    'confluent_sd_reload_failures_total 0',
    'confluent_sd_build_info{version="1.2.3-test"} 1',
    'confluent_sd_last_success_timestamp_seconds 1767268800',
    'confluent_sd_seconds_since_last_success 1800',
    'confluent_sd_last_run_failed 0',
  ]) {
    assert.ok(lines.includes(want), want);
  }
  assert.not.ok(lines.some((l) => l.startsWith('confluent_sd_seconds_since_last_failure ')));
  // the default process and Node metrics under their standard names
  assert.ok(lines.some((l) => l.startsWith('process_resident_memory_bytes ')));
  assert.ok(lines.some((l) => l.startsWith('nodejs_heap_size_used_bytes ')));
  assert.not.ok(
    lines.some((l) => l.startsWith('confluent_sd_process_') || l.startsWith('confluent_sd_nodejs_')),
  );
});

app('one access-log line per response: method, route, status, duration, never a header', async ({ f }) => {
  await get(f, `/discovery?targets=${TARGET}`);
  const access = f.logs().filter((l) => l.msg === 'request');
  assert.is(access.length, 1);
  const { method, route, status, durationMs } = access[0]!;
  assert.equal({ method, route, status }, { method: 'GET', route: '/discovery', status: 200 });
  assert.type(durationMs, 'number');
  assert.not.match(f.logText(), TOKEN);
  assert.not.match(f.logText(), 'authorization');
});

app.run();

const fresh = suite('serve app before anything was published');

fresh('503 not_ready everywhere a document is asked for, /ready 503 with the reason', async () => {
  const f = await createServeFixture();
  try {
    assert.is(await f.documents.reload(), 'empty');
    for (const url of [
      `/discovery?targets=${TARGET}`,
      '/sd/noprefix--api.telemetry.confluent.cloud.json',
      '/sd',
    ]) {
      const r = await get(f, url);
      assert.is(r.statusCode, 503, url);
      assert.is(json(r.body).error, 'not_ready');
      assert.match(String(json(r.body).message), 'nothing published yet');
    }
    const bad = await get(f, '/discovery?targets=');
    assert.is(bad.statusCode, 400);
    const ready = await f.app.inject({ url: '/ready', headers: AUTH });
    assert.is(ready.statusCode, 503);
    assert.equal(json(ready.body), {
      ready: false,
      reason: `nothing published yet: latest/manifest.json not found in file:${f.dir}`,
      version: '1.2.3-test',
    });
    // a probe has no token: the reason without the store's location
    const probe = await f.app.inject({ url: '/ready' });
    assert.equal(
      [probe.statusCode, json(probe.body)],
      [503, { ready: false, reason: 'nothing published yet', version: '1.2.3-test' }],
    );
  } finally {
    await f.close();
  }
});

fresh.run();

const limits = suite('serve app options');

limits('per-IP rate limit answers 429 as JSON; probes are exempt', async () => {
  const f = await createServeFixture({ config: { rateLimitPerMinute: 3 } });
  try {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await get(f, '/sd')).statusCode);
    assert.equal(codes, [503, 503, 503, 429, 429]);
    const r = await get(f, '/sd');
    assert.is(json(r.body).error, 'rate_limited');
    assert.is(json(r.body).code, 429);
    assert.is(r.headers['retry-after'], '60');
    const other = await f.app.inject({ url: '/sd', headers: AUTH, remoteAddress: '10.0.0.2' });
    assert.is(other.statusCode, 503);
    for (let i = 0; i < 5; i++) assert.is((await f.app.inject({ url: '/health' })).statusCode, 200);
  } finally {
    await f.close();
  }
});

limits('404 and 405 answers count against the rate limit too; only the probes are exempt', async () => {
  const f = await createServeFixture({ config: { rateLimitPerMinute: 3 } });
  try {
    const asked: [string, string][] = [
      ['GET', '/no-such-route'],
      ['POST', '/sd'],
      ['GET', '/latest/missing.json'],
      ['DELETE', '/health'],
      ['GET', '/no-such-route'],
      ['POST', '/sd'],
    ];
    const codes: number[] = [];
    for (const [method, url] of asked)
      codes.push((await f.app.inject({ method: method as 'GET', url, headers: AUTH })).statusCode);
    assert.equal(codes, [404, 405, 404, 429, 429, 429]);
    for (const url of ['/health', '/ready', '/metrics'])
      assert.is.not((await f.app.inject({ url })).statusCode, 429, url);
    const counted = (await f.app.inject({ url: '/metrics' })).body
      .split('\n')
      .filter((l) => l.startsWith('confluent_sd_http_requests_total{') && l.includes('status="429"'));
    assert.equal(counted.length > 0, true, 'the 429s are counted');
  } finally {
    await f.close();
  }
});

limits('SD_AUTH=off opens every endpoint', async () => {
  const f = await createServeFixture({ config: { auth: 'off', bearerTokens: [] } });
  try {
    await publishFakeRun(f.writer, { runId: RUN, combinations: COMBINATIONS });
    await f.documents.reload();
    const r = await f.app.inject({ url: `/discovery?targets=${TARGET}` });
    assert.is(r.statusCode, 200);
  } finally {
    await f.close();
  }
});

limits.run();

const quiet = suite('access log at LOG_LEVEL=info');

quiet('no line per request at info, probes included; a 5xx still logged as a warning', async () => {
  const f = await createServeFixture({ logLevel: 'info' });
  try {
    await publishFakeRun(f.writer, { runId: RUN, combinations: COMBINATIONS, groups: 3 });
    assert.is(await f.documents.reload(), 'loaded');
    const statuses: number[] = [];
    for (const [url, headers] of [
      [`/discovery?targets=${TARGET}`, AUTH],
      ['/sd/noprefix--api.telemetry.confluent.cloud.json', AUTH],
      ['/sd/noprefix--api.telemetry.confluent.cloud.json', {}],
      ['/sd/nope.json', AUTH],
      ['/health', {}],
      ['/ready', {}],
      ['/metrics', {}],
    ] as const) {
      statuses.push((await f.app.inject({ url, headers })).statusCode);
    }
    f.setUnreachable(true);
    statuses.push((await f.app.inject({ url: '/status.json', headers: AUTH })).statusCode);
    assert.equal(statuses, [200, 200, 401, 404, 200, 200, 200, 503]);
    const access = f.logs().filter((l) => l.msg === 'request');
    assert.equal(
      access.map((l) => [l.level, l.status]),
      [[40, 503]],
    );
  } finally {
    await f.close();
  }
});

quiet.run();
