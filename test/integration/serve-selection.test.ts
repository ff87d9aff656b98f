/**
 * `/discovery?…&env=…&associated_kafka_id=…&resource_type=…` over real sockets, against documents a real publish
 * run wrote (the render test inventory, packed by a scrape plan with a tiny budget so groups mix environments and
 * types): exactly the selected resources, the ETag from the document and the selection, 304, gzip, HEAD, 400 for
 * unknown parameters and values, the empty list for an id that matches nothing, and a new run switching the answer.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Inventory } from '../../src/discovery/resource.js';
import { publishRun } from '../../src/publish/publish.js';
import { paramLabelType } from '../../src/render/labels.js';
import { fixedPublishDeps } from '../helpers/publish-deps.js';
import { buildRenderInventory, DEFAULT_PLAN, TELEMETRY } from '../helpers/render-inventory.js';
import { createServeFixture, type ServeFixture, TOKEN } from '../helpers/serve-app.js';

const PROD = 'env-a1b2c3';
const STAGING = 'env-z9y8x7';
const BASE = `/discovery?targets=${TELEMETRY}&prefix=confluent_`;

interface Ctx {
  f: ServeFixture;
  port: number;
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method, headers: { authorization: `Bearer ${TOKEN}`, ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function publish(f: ServeFixture, inventory: Inventory, at: string): Promise<void> {
  const deps = fixedPublishDeps(f.writer, inventory, at);
  // a budget of 2 requests a minute: the plan packs the resources into groups across environments and types
  deps.render = { ...deps.render, groupBy: 'plan', plan: { ...DEFAULT_PLAN, requestsPerMinute: 2 } };
  const result = await publishRun(deps);
  assert.is(result.outcome, 'published');
  assert.is(await f.documents.reload(), 'loaded');
}

/** type:id of every resource the answer's groups name. */
function idsOf(body: Buffer): string[] {
  const groups = JSON.parse(body.toString('utf8')) as { labels: Record<string, string> }[];
  return groups
    .flatMap((g) =>
      Object.entries(g.labels).flatMap(([name, value]) => {
        const type = paramLabelType(name);
        return type === undefined ? [] : value.split(',').map((id) => `${type}:${id}`);
      }),
    )
    .sort();
}

function inventoryIds(inventory: Inventory, keep: (r: Inventory['resources'][number]) => boolean): string[] {
  return inventory.resources
    .filter(keep)
    .map((r) => `${r.type}:${r.id}`)
    .sort();
}

const test = suite<Ctx>('serve: /discovery selection', {} as Ctx);

test.before.each(async (ctx) => {
  ctx.f = await createServeFixture();
  await publish(ctx.f, buildRenderInventory(), '2026-03-01T10:00:00Z');
  await ctx.f.app.listen({ host: '127.0.0.1', port: 0 });
  ctx.port = (ctx.f.app.server.address() as AddressInfo).port;
});
test.after.each(async ({ f }) => {
  await f.close();
});

test('the whole document holds packed groups that mix environments (the case the selection must split)', async ({
  port,
}) => {
  const whole = await get(port, BASE);
  assert.is(whole.status, 200);
  const groups = JSON.parse(whole.body.toString()) as { labels: Record<string, string> }[];
  assert.ok(groups.length < buildRenderInventory().resources.length, `${groups.length} groups`);
  assert.equal(
    idsOf(whole.body),
    inventoryIds(buildRenderInventory(), () => true),
  );
});

test('env=… answers exactly that environment’s resources, as JSON', async ({ port }) => {
  const inventory = buildRenderInventory();
  for (const env of [PROD, STAGING]) {
    const r = await get(port, `${BASE}&env=${env}`);
    assert.is(r.status, 200);
    assert.is(r.headers['content-type'], 'application/json');
    assert.equal(
      idsOf(r.body),
      inventoryIds(inventory, (x) => x.environmentId === env),
    );
  }
});

test('associated_kafka_id and resource_type, with env; every group keeps its targets', async ({ port }) => {
  const inventory = buildRenderInventory();
  const r = await get(port, `${BASE}&associated_kafka_id=lkc-7x9k2m&resource_type=connector,kafka`);
  assert.is(r.status, 200);
  assert.equal(idsOf(r.body), ['connector:lcc-9q8w7e', 'kafka:lkc-7x9k2m']);
  // as at Confluent: the cluster, its connectors and its ksqlDB clusters, not Schema Registry or compute pools
  const all = await get(port, `${BASE}&associated_kafka_id=lkc-7x9k2m`);
  assert.equal(idsOf(all.body), ['connector:lcc-9q8w7e', 'kafka:lkc-7x9k2m', 'ksql:lksqlc-2w3e4r']);
  const kafka = await get(port, `${BASE}&env=${PROD}&resource_type=kafka`);
  assert.equal(
    idsOf(kafka.body),
    inventoryIds(inventory, (x) => x.environmentId === PROD && x.type === 'kafka'),
  );
  const groups = JSON.parse(kafka.body.toString()) as { targets: string[] }[];
  assert.ok(groups.every((g) => g.targets.length === 1 && g.targets[0] === TELEMETRY));
});

test('ETag from the document hash and the normalised selection; If-None-Match answers 304', async ({
  port,
}) => {
  const whole = await get(port, BASE);
  const r = await get(port, `${BASE}&env=${PROD}&resource_type=kafka,connector`);
  const etag = String(r.headers.etag);
  assert.match(etag, /^"[0-9a-f]{32}-[0-9a-f]{16}"$/);
  assert.is(etag.slice(0, 33), String(whole.headers.etag).slice(0, 33));
  assert.is.not(etag, whole.headers.etag);
  // the same selection written another way has the same tag, and is answered 304
  const same = await get(port, `${BASE}&resource_type=connector,kafka&env=${PROD}`, {
    'if-none-match': etag,
  });
  assert.is(same.status, 304);
  assert.is(same.body.length, 0);
  assert.is(same.headers.etag, etag);
  // another selection does not match it
  const other = await get(port, `${BASE}&env=${PROD}`, { 'if-none-match': etag });
  assert.is(other.status, 200);
  // If-Modified-Since with the snapshot's time
  const since = await get(port, `${BASE}&env=${PROD}`, {
    'if-modified-since': String(r.headers['last-modified']),
  });
  assert.is(since.status, 304);
  assert.is(r.headers['last-modified'], whole.headers['last-modified']);
  assert.is(r.headers['cache-control'], 'no-cache');
  assert.is(r.headers.vary, 'Accept-Encoding');
});

test('gzip when asked, with its own ETag, which also answers 304', async ({ port }) => {
  const plain = await get(port, `${BASE}&env=${PROD}`);
  const gz = await get(port, `${BASE}&env=${PROD}`, { 'accept-encoding': 'gzip' });
  assert.is(gz.status, 200);
  assert.is(gz.headers['content-encoding'], 'gzip');
  assert.ok(gunzipSync(gz.body).equals(plain.body));
  assert.is(gz.headers.etag, `${String(plain.headers.etag).slice(0, -1)}-gzip"`);
  const again = await get(port, `${BASE}&env=${PROD}`, {
    'accept-encoding': 'gzip',
    'if-none-match': String(gz.headers.etag),
  });
  assert.is(again.status, 304);
});

test('HEAD answers the headers of GET', async ({ port }) => {
  const r = await get(port, `${BASE}&env=${PROD}`);
  const head = await get(port, `${BASE}&env=${PROD}`, {}, 'HEAD');
  assert.is(head.status, 200);
  assert.is(head.headers.etag, r.headers.etag);
  assert.is(head.headers['content-length'], String(r.body.length));
});

test('a well-formed id that matches nothing is the empty list, not an error', async ({ port }) => {
  for (const q of [
    'env=env-nothere',
    'associated_kafka_id=lkc-nothere',
    `env=${STAGING}&resource_type=ksql`,
  ]) {
    const r = await get(port, `${BASE}&${q}`);
    assert.is(r.status, 200, q);
    assert.is(r.body.toString(), '[]\n', q);
  }
});

const REFUSED: [string, string][] = [
  ['environment=env-1', 'unknown parameter "environment"'],
  ['resource_type=abc', 'unknown resource_type "abc"; supported: kafka, schema_registry, ksql'],
  [`env=${PROD}&env=${STAGING}`, 'env must be given once'],
  ['env=', 'env has an empty value'],
  ['env=lkc-1', 'env "lkc-1" is not an id: it must start with "env-"'],
  ['associated_kafka_id=env-1', 'must start with "lkc-"'],
];

test('400 invalid_selection for an unknown parameter or value, with a clear body', async ({ port }) => {
  for (const [q, message] of REFUSED) {
    const r = await get(port, `${BASE}&${q}`);
    assert.is(r.status, 400, q);
    assert.is(r.headers['content-type'], 'application/json; charset=utf-8');
    assert.is(r.headers['cache-control'], 'no-store');
    const body = JSON.parse(r.body.toString()) as { error: string; message: string; code: number };
    assert.is(body.error, 'invalid_selection', q);
    assert.is(body.code, 400);
    assert.ok(body.message.includes(message), `${q}: ${body.message}`);
  }
});

test('/sd/<name>.json takes the same filters, byte for byte what /discovery answers; anything else is a 400', async ({
  port,
}) => {
  const doc = `/sd/confluent--${TELEMETRY}.json`;
  for (const q of [`env=${PROD}`, 'resource_type=connector,kafka']) {
    const viaDiscovery = await get(port, `${BASE}&${q}`);
    const viaName = await get(port, `${doc}?${q}`);
    assert.is(viaName.status, 200, q);
    assert.ok(viaName.body.equals(viaDiscovery.body), q);
    assert.is(viaName.headers.etag, viaDiscovery.headers.etag, q);
  }
  // never the whole document for a parameter it does not take
  for (const [path, message] of [
    [`${doc}?environment=${PROD}`, 'unknown parameter "environment"'],
    [`${doc}?targets=${TELEMETRY}`, 'unknown parameter "targets"'],
    [`/sd/confluent--${TELEMETRY}.info.prom?env=${PROD}`, 'an info document takes no parameter'],
  ] as const) {
    const r = await get(port, path);
    assert.is(r.status, 400, path);
    const body = JSON.parse(r.body.toString()) as { error: string; message: string };
    assert.is(body.error, 'invalid_selection', path);
    assert.ok(body.message.includes(message), `${path}: ${body.message}`);
  }
});

test('the combination is checked as before: 404 for one not rendered, 401 without a token', async ({
  port,
}) => {
  const missing = await get(port, `/discovery?targets=other.example&env=${PROD}`);
  assert.is(missing.status, 404);
  assert.is((JSON.parse(missing.body.toString()) as { error: string }).error, 'not_found');
  const anonymous = await get(port, `${BASE}&env=${PROD}`, { authorization: '' });
  assert.is(anonymous.status, 401);
});

test('a new run switches the selected answer and its ETag; the old tag no longer matches', async ({
  f,
  port,
}) => {
  const before = await get(port, `${BASE}&env=${STAGING}`);
  const inventory = buildRenderInventory();
  inventory.resources.push({
    type: 'kafka',
    id: 'lkc-new111',
    name: 'new',
    environmentId: STAGING,
    cloud: 'aws',
    region: 'eu-west-1',
  });
  await publish(f, inventory, '2026-03-01T10:30:00Z');
  const after = await get(port, `${BASE}&env=${STAGING}`, { 'if-none-match': String(before.headers.etag) });
  assert.is(after.status, 200);
  assert.ok(idsOf(after.body).includes('kafka:lkc-new111'));
  assert.equal(
    idsOf(after.body),
    inventoryIds(inventory, (x) => x.environmentId === STAGING),
  );
  assert.is.not(after.headers.etag, before.headers.etag);
  // production did not change, but its document did: a new tag as well, and still only production
  const prod = await get(port, `${BASE}&env=${PROD}`);
  assert.equal(
    idsOf(prod.body),
    inventoryIds(inventory, (x) => x.environmentId === PROD),
  );
});

test.run();
