/**
 * Bounded work on hostile answers: listings that never end, bodies too large to hold, error bodies the client
 * should explain, secrets a server echoes back, and the User-Agent every request carries.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { basicAuthHeader } from '../../src/confluent/transport.js';
import { VERSION } from '../../src/version.js';
import { listPage, startScriptedServer } from '../helpers/scripted-server.js';
import { appErrorOf, createTestClient, TEST_KEY, TEST_SECRET } from '../helpers/test-client.js';

const B64 = Buffer.from(`${TEST_KEY}:${TEST_SECRET}`).toString('base64');

test('a listing that sends a fresh page token forever stops at the page cap with API_BAD_RESPONSE', async () => {
  let n = 0;
  const server = await startScriptedServer(() => {
    n++;
    return { body: listPage([{ id: 'env-1' }], `/org/v2/environments?page_token=t${n}`) };
  });
  try {
    const { client } = createTestClient(server.url, { maxPages: 20 });
    const err = await appErrorOf(client.listEnvironments());
    assert.is(err.code, 'API_BAD_RESPONSE');
    assert.is(
      err.message,
      'list environments: the listing did not end after 20 pages (the server keeps sending a next page token)',
    );
    assert.is(server.requests.length, 20);
  } finally {
    await server.close();
  }
});

test('a page token sent twice fails the listing at once', async () => {
  const server = await startScriptedServer(() => ({
    body: { data: [{ id: 'kafka', type: 'kafka' }], meta: { pagination: { next_page_token: 'same' } } },
  }));
  try {
    const { client } = createTestClient(server.url);
    const err = await appErrorOf(client.listResourceTypes());
    assert.is(err.code, 'API_BAD_RESPONSE');
    assert.is(
      err.message,
      'list metrics resource types: metadata.next repeats an earlier page_token after 2 pages',
    );
    assert.is(server.requests.length, 2);
  } finally {
    await server.close();
  }
});

test('a body over the size cap is API_BAD_RESPONSE, declared or streamed, 2xx or not, and not retried', async () => {
  const big = JSON.stringify(listPage([{ id: 'env-1', spec: { display_name: 'x'.repeat(300_000) } }]));
  const cases: [string, { status?: number; headers?: Record<string, string> }][] = [
    ['declared by Content-Length', { headers: { 'content-length': String(Buffer.byteLength(big)) } }],
    ['streamed (chunked)', {}],
    ['an error body', { status: 503 }],
  ];
  for (const [name, reply] of cases) {
    const server = await startScriptedServer(() => ({ ...reply, body: big }));
    try {
      const { client, captured } = createTestClient(server.url, { maxResponseBytes: 65_536 });
      const err = await appErrorOf(client.listEnvironments());
      assert.is(err.code, 'API_BAD_RESPONSE', name);
      assert.is(
        err.message,
        'list environments: GET /org/v2/environments returned an unexpected body: response body is larger than 65536 bytes',
        name,
      );
      assert.is(server.requests.length, 1, name);
      assert.equal(
        captured
          .entries()
          .filter((e) => e.level === 'warn')
          .map((e) => [e.msg, e.status, e.reason]),
        [['confluent api request failed', reply.status ?? 200, 'response body is larger than 65536 bytes']],
        name,
      );
    } finally {
      await server.close();
    }
  }
});

test('error bodies of every shape Confluent sends are shown, cut at 200 characters', async () => {
  const cases: [string, unknown, string][] = [
    ['connect, flat', { error_code: 404, message: 'Connector not found' }, '(Connector not found)'],
    ['connect, nested', { error: { code: 404, message: 'account not found' } }, '(account not found)'],
    ['errors[].detail', { errors: [{ detail: 'cluster lkc-x is gone' }] }, '(cluster lkc-x is gone)'],
    ['long', { error_code: 404, message: `${'m'.repeat(250)}` }, `(${'m'.repeat(200)}…)`],
  ];
  for (const [name, body, want] of cases) {
    const server = await startScriptedServer(() => ({ status: 404, body }));
    try {
      const { client } = createTestClient(server.url);
      const err = await appErrorOf(client.listConnectors('env-x', 'lkc-x'));
      assert.is(err.code, 'API_REQUEST', name);
      assert.is(
        err.message,
        `list connectors of lkc-x in env-x: server returned HTTP 404 ${want} for GET /connect/v1/environments/env-x/clusters/lkc-x/connectors`,
        name,
      );
    } finally {
      await server.close();
    }
  }
});

test('credentials echoed by the server never reach an error message or the log', async () => {
  const echo = `key ${TEST_KEY} secret ${TEST_SECRET} header ${basicAuthHeader(TEST_KEY, TEST_SECRET)} raw ${B64}`;
  const cases: [
    string,
    { status: number; body: unknown }[],
    (c: ReturnType<typeof createTestClient>['client']) => Promise<unknown>,
    string,
  ][] = [
    ['403', [{ status: 403, body: { errors: [{ detail: echo }] } }], (c) => c.listEnvironments(), 'API_AUTH'],
    [
      '503 until the retries run out',
      [{ status: 503, body: { error_code: 503, message: echo } }],
      (c) => c.listEnvironments(),
      'API_UNAVAILABLE',
    ],
    [
      'a body of the wrong shape keyed by the secret',
      // (a connector without id.id is read, and discovery leaves it out: an id of the wrong type is a bad body)
      [{ status: 200, body: { [TEST_SECRET]: { id: { id: 7, id_type: 'ID' } } } }],
      (c) => c.listConnectors('env-1', 'lkc-1'),
      'API_BAD_RESPONSE',
    ],
  ];
  for (const [name, replies, call, code] of cases) {
    const server = await startScriptedServer((_req, i) => replies[Math.min(i, replies.length - 1)] ?? {});
    try {
      const { client, captured } = createTestClient(server.url, { retries: 1 });
      const err = await appErrorOf(call(client));
      assert.is(err.code, code, name);
      for (const text of [err.message, captured.text()]) {
        assert.not.ok(text.includes(TEST_SECRET), `${name}: the secret leaked: ${text}`);
        assert.not.ok(text.includes(B64), `${name}: base64(key:secret) leaked: ${text}`);
      }
      assert.ok(err.message.includes('[redacted]'), `${name}: ${err.message}`);
    } finally {
      await server.close();
    }
  }
});

test('every request says who it is: User-Agent confluent-sd/<version>', async () => {
  const server = await startScriptedServer((req) =>
    req.path === '/v2/metrics/cloud/descriptors/resources'
      ? { body: { data: [{ type: 'kafka' }], meta: { pagination: {} } } }
      : { body: listPage([{ id: 'env-1' }]) },
  );
  try {
    const { client } = createTestClient(server.url);
    await client.listResourceTypes();
    await client.listEnvironments();
    assert.equal(
      server.requests.map((r) => r.headers['user-agent']),
      [`confluent-sd/${VERSION}`, `confluent-sd/${VERSION}`],
    );
  } finally {
    await server.close();
  }
});

test.run();
