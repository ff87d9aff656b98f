/** queryPartitionCounts against a scripted loopback server: the request, paging, refusals, bad bodies, retries. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startScriptedServer } from '../helpers/scripted-server.js';
import { appErrorOf, createTestClient } from '../helpers/test-client.js';

const QUERY = '/v2/metrics/cloud/query';
const BODY = {
  aggregations: [{ metric: 'io.confluent.kafka.server/partition_count' }],
  group_by: ['resource.kafka.id'],
  granularity: 'PT15M',
  intervals: ['PT15M/now-5m|m'],
  limit: 1000,
};
const point = (id: string, value: number) => ({
  timestamp: '2026-03-01T10:00:00Z',
  'resource.kafka.id': id,
  value,
});

test('queryPartitionCounts POSTs the query on the telemetry URL and follows next_page_token as ?page_token', async () => {
  const telemetry = await startScriptedServer((req) => {
    if (req.query.page_token === undefined)
      return {
        body: {
          data: [point('lkc-1', 120), point('lkc-2', 6)],
          meta: { pagination: { page_size: 1000, next_page_token: 'n/2+' } },
        },
      };
    return { body: { data: [point('lkc-3', 3000)], meta: { pagination: { page_size: 1000 } } } };
  });
  const control = await startScriptedServer(() => ({ status: 500 }));
  try {
    const { client } = createTestClient(control.url, { telemetryUrl: telemetry.url });
    const counts = await client.queryPartitionCounts();
    assert.equal(
      [...counts],
      [
        ['lkc-1', 120],
        ['lkc-2', 6],
        ['lkc-3', 3000],
      ],
    );
    assert.equal(
      telemetry.requests.map((r) => [
        r.method,
        r.path,
        r.query,
        r.headers['content-type'],
        JSON.parse(r.body),
      ]),
      [
        ['POST', QUERY, {}, 'application/json', BODY],
        ['POST', QUERY, { page_token: ['n/2+'] }, 'application/json', BODY],
      ],
    );
    assert.is(control.requests.length, 0);
    assert.equal(client.stats(), { ...client.stats(), requests: 2, retries: 0, throttled: 0, failures: 0 });
  } finally {
    await telemetry.close();
    await control.close();
  }
});

test('a key without MetricsViewer: 403 is API_AUTH at once, naming the role', async () => {
  const server = await startScriptedServer(() => ({
    status: 403,
    body: { errors: [{ status: '403', detail: 'Forbidden' }] },
  }));
  try {
    const { client } = createTestClient(server.url);
    const err = await appErrorOf(client.queryPartitionCounts());
    assert.equal(
      [err.code, err.message],
      [
        'API_AUTH',
        "query kafka partition counts: server returned HTTP 403 (Forbidden) for POST /v2/metrics/cloud/query: the API key's principal lacks permission; " +
          'this needs a Cloud API key (confluent api-key create --resource cloud) whose principal has the MetricsViewer role (or OrganizationAdmin)',
      ],
    );
    assert.is(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

test('a body of the wrong shape is API_BAD_RESPONSE naming the field, not retried', async () => {
  const cases: [string, unknown, string][] = [
    [
      'point without kafka id',
      { data: [point('lkc-1', 1), { timestamp: 't', value: 2 }] },
      'data[1]["resource.kafka.id"]: is missing',
    ],
    [
      'value as text',
      { data: [{ ...point('lkc-1', 1), value: '12' }] },
      'data[0].value: expected number, received string',
    ],
    [
      'not the FLAT format',
      { data: [{ 'resource.kafka.id': 'lkc-1', points: [] }] },
      'data[0].value: is missing',
    ],
  ];
  for (const [name, body, field] of cases) {
    const server = await startScriptedServer(() => ({ body }));
    try {
      const { client } = createTestClient(server.url);
      const err = await appErrorOf(client.queryPartitionCounts());
      assert.equal(
        [err.code, err.message],
        [
          'API_BAD_RESPONSE',
          `query kafka partition counts: POST /v2/metrics/cloud/query returned an unexpected body: ${field}`,
        ],
        name,
      );
      assert.is(server.requests.length, 1, name);
    } finally {
      await server.close();
    }
  }
});

test('a 429 is waited out and retried through the same layer as the listings', async () => {
  const server = await startScriptedServer((_req, index) =>
    index === 0
      ? {
          status: 429,
          headers: {
            'Retry-After': '1',
            'rateLimit-limit': '60',
            'rateLimit-remaining': '0',
            'rateLimit-reset': '1',
          },
          body: {
            errors: [
              {
                status: '429',
                detail: 'Too many requests. Please see the documentation for current rate limits.',
              },
            ],
          },
        }
      : {
          body: {
            data: [point('lkc-1', 40)],
            meta: { pagination: { page_size: 1000, next_page_token: null } },
          },
        },
  );
  try {
    const { client, captured } = createTestClient(server.url);
    assert.equal([...(await client.queryPartitionCounts())], [['lkc-1', 40]]);
    const [first, second] = server.requests;
    assert.ok(first && second && second.at - first.at >= 1000, 'the retry came before Retry-After');
    assert.equal(
      captured
        .entries()
        .filter((e) => e.level === 'warn')
        .map((e) => [e.msg, e.action, e.endpoint, e.status, e.attempt]),
      [
        [
          'confluent api request failed, retrying',
          'query kafka partition counts',
          'POST /v2/metrics/cloud/query',
          429,
          1,
        ],
      ],
    );
    assert.equal(client.stats(), { ...client.stats(), requests: 2, retries: 1, throttled: 1, failures: 1 });
  } finally {
    await server.close();
  }
});

test('an expired page token (400) restarts the query from page 1, once', async () => {
  let firstPages = 0;
  const server = await startScriptedServer((req) => {
    if (req.query.page_token === undefined) {
      firstPages++;
      return {
        body: {
          data: [point('lkc-1', 5)],
          meta: { pagination: { page_size: 1, next_page_token: `t${firstPages}` } },
        },
      };
    }
    if (req.query.page_token[0] === 't1')
      return { status: 400, body: { errors: [{ status: '400', detail: 'token expired' }] } };
    return { body: { data: [point('lkc-2', 7)], meta: { pagination: { page_size: 1 } } } };
  });
  try {
    const { client } = createTestClient(server.url);
    assert.equal(
      [...(await client.queryPartitionCounts())],
      [
        ['lkc-1', 5],
        ['lkc-2', 7],
      ],
    );
    assert.equal(
      server.requests.map((r) => r.query),
      [{}, { page_token: ['t1'] }, {}, { page_token: ['t2'] }],
    );
  } finally {
    await server.close();
  }
});

test.run();
