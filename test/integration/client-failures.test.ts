/** The Confluent client's retry layer and error codes, against a scripted loopback server. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listPage, startScriptedServer } from '../helpers/scripted-server.js';
import { appErrorOf, createTestClient } from '../helpers/test-client.js';

const failedAttempts = (entries: Record<string, unknown>[]) =>
  entries
    .filter(
      (e) => e.msg === 'confluent api request failed, retrying' || e.msg === 'confluent api request failed',
    )
    .map((e) => [e.endpoint, e.status, e.attempt, e.delayMs === null ? null : typeof e.delayMs]);

test('429 with Retry-After: waits at least the header, then succeeds', async () => {
  const server = await startScriptedServer((_req, index) =>
    index === 0
      ? {
          status: 429,
          headers: { 'Retry-After': '1' },
          body: { errors: [{ status: '429', detail: 'Too Many Requests' }] },
        }
      : { body: listPage([{ id: 'lkc-1' }]) },
  );
  try {
    const { client, captured } = createTestClient(server.url, { minBackoffMs: 1, maxBackoffMs: 2 });
    assert.equal(await client.listKafkaClusters('env-1'), [{ id: 'lkc-1' }]);
    const [first, second] = server.requests;
    assert.is(server.requests.length, 2);
    assert.ok(first && second && second.at - first.at >= 1000, 'the retry came before Retry-After');
    const warn = captured.entries().find((e) => e.level === 'warn');
    assert.equal(
      { ...warn, time: undefined, delayMs: undefined },
      {
        level: 'warn',
        time: undefined,
        service: 'confluent-sd',
        action: 'list kafka clusters in env-1',
        endpoint: 'GET /cmk/v2/clusters',
        status: 429,
        attempt: 1,
        delayMs: undefined,
        reason: 'server returned HTTP 429 (Too Many Requests)',
        msg: 'confluent api request failed, retrying',
      },
    );
    assert.ok((warn?.delayMs as number) >= 1000);
    assert.equal(client.stats(), { ...client.stats(), requests: 2, retries: 1, throttled: 1, failures: 1 });
  } finally {
    await server.close();
  }
});

test('500 and 503 are retried, then the listing succeeds', async () => {
  const server = await startScriptedServer((_req, index) =>
    index === 0
      ? { status: 500, body: 'oops' }
      : index === 1
        ? { status: 503, body: { errors: [{ status: '503' }] } }
        : { body: listPage([{ id: 'env-1' }]) },
  );
  try {
    const { client, captured } = createTestClient(server.url);
    assert.equal(await client.listEnvironments(), [{ id: 'env-1' }]);
    assert.is(server.requests.length, 3);
    assert.equal(failedAttempts(captured.entries()), [
      ['GET /org/v2/environments', 500, 1, 'number'],
      ['GET /org/v2/environments', 503, 2, 'number'],
    ]);
  } finally {
    await server.close();
  }
});

test('a request that gets no answer times out and is retried', async () => {
  const server = await startScriptedServer((_req, index) =>
    index === 0 ? { hang: true } : { body: listPage([{ id: 'env-1' }]) },
  );
  try {
    const { client, captured } = createTestClient(server.url, { timeoutMs: 200 });
    assert.equal(await client.listEnvironments(), [{ id: 'env-1' }]);
    assert.is(server.requests.length, 2);
    assert.equal(
      captured
        .entries()
        .filter((e) => e.level === 'warn')
        .map((e) => [e.status, e.attempt, e.reason]),
      [[null, 1, 'no answer within 200 ms']],
    );
  } finally {
    await server.close();
  }
});

test('401 and 403 fail at once with API_AUTH naming the endpoint, status, key type and permission', async () => {
  const cases = [
    {
      name: 'org 401',
      path: '/org/v2/environments',
      status: 401,
      body: {
        errors: [
          {
            status: '401',
            code: 'user_unauthenticated',
            detail: 'Valid authentication credentials must be provided',
          },
        ],
      },
      call: (c: ReturnType<typeof createTestClient>['client']) => c.listEnvironments(),
      want:
        'list environments: server returned HTTP 401 (user_unauthenticated: Valid authentication credentials must be provided) ' +
        'for GET /org/v2/environments: the API key was not accepted; this needs a Cloud API key (confluent api-key create --resource cloud) ' +
        'whose principal has permission to describe environments (Describe:Environment, e.g. OrganizationAdmin)',
    },
    {
      name: 'cmk 403',
      path: '/cmk/v2/clusters',
      status: 403,
      body: { errors: [{ status: '403', code: 'user_unauthorized' }] },
      call: (c: ReturnType<typeof createTestClient>['client']) => c.listKafkaClusters('env-1'),
      want:
        "list kafka clusters in env-1: server returned HTTP 403 (user_unauthorized) for GET /cmk/v2/clusters: the API key's principal lacks permission; " +
        'this needs a Cloud API key (confluent api-key create --resource cloud) whose principal has permission to list the resources of env-1 (e.g. OrganizationAdmin)',
    },
    {
      name: 'connect 401',
      path: '/connect/v1/environments/env-1/clusters/lkc-1/connectors',
      status: 401,
      body: { error: { code: 401, message: 'Unauthorized' } },
      call: (c: ReturnType<typeof createTestClient>['client']) => c.listConnectors('env-1', 'lkc-1'),
      want:
        'list connectors of lkc-1 in env-1: server returned HTTP 401 (Unauthorized) for GET /connect/v1/environments/env-1/clusters/lkc-1/connectors: ' +
        'the API key was not accepted; this needs a Cloud API key (confluent api-key create --resource cloud) whose principal has permission to list the resources of env-1 (e.g. OrganizationAdmin)',
    },
    {
      name: 'metrics 403',
      path: '/v2/metrics/cloud/descriptors/resources',
      status: 403,
      body: { errors: [{ status: '403', detail: 'Forbidden' }] },
      call: (c: ReturnType<typeof createTestClient>['client']) => c.listResourceTypes(),
      want:
        "list metrics resource types: server returned HTTP 403 (Forbidden) for GET /v2/metrics/cloud/descriptors/resources: the API key's principal lacks permission; " +
        'this needs a Cloud API key (confluent api-key create --resource cloud) whose principal has the MetricsViewer role (or OrganizationAdmin)',
    },
  ];
  for (const c of cases) {
    const server = await startScriptedServer(() => ({ status: c.status, body: c.body }));
    try {
      const { client } = createTestClient(server.url);
      const err = await appErrorOf(c.call(client));
      assert.is(err.code, 'API_AUTH', c.name);
      assert.is(err.message, c.want, c.name);
      assert.is(err.retryable, false, c.name);
      assert.equal(
        server.requests.map((r) => r.path),
        [c.path],
        c.name,
      );
      assert.equal(client.stats(), { ...client.stats(), requests: 1, retries: 0, failures: 1 }, c.name);
    } finally {
      await server.close();
    }
  }
});

test('another 4xx is API_REQUEST at once, with the server detail', async () => {
  const server = await startScriptedServer(() => ({
    status: 404,
    body: { error: { code: 404, message: 'account not found' } },
  }));
  try {
    const { client } = createTestClient(server.url);
    const err = await appErrorOf(client.listConnectors('env-x', 'lkc-x'));
    assert.is(err.code, 'API_REQUEST');
    assert.is(
      err.message,
      'list connectors of lkc-x in env-x: server returned HTTP 404 (account not found) for GET /connect/v1/environments/env-x/clusters/lkc-x/connectors',
    );
    assert.is(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

test('an expired page token (400) restarts the listing from page 1: complete, no duplicates', async () => {
  let rejected = false;
  const server = await startScriptedServer((req) => {
    const token = req.query.page_token?.[0];
    if (token === undefined)
      return {
        body: listPage(
          [{ id: 'lkc-1' }, { id: 'lkc-2' }],
          '/cmk/v2/clusters?page_token=t2&environment=env-1',
        ),
      };
    if (token === 't2' && !rejected) {
      rejected = true;
      return {
        status: 400,
        body: { errors: [{ status: '400', code: 'invalid_page_token', detail: 'page token expired' }] },
      };
    }
    return { body: listPage([{ id: 'lkc-3' }], null) };
  });
  try {
    const { client, captured } = createTestClient(server.url);
    assert.equal(
      (await client.listKafkaClusters('env-1')).map((c) => c.id),
      ['lkc-1', 'lkc-2', 'lkc-3'],
    );
    assert.equal(
      server.requests.map((r) => r.query.page_token?.[0] ?? 'first'),
      ['first', 't2', 'first', 't2'],
    );
    assert.ok(captured.entries().some((e) => e.msg === 'page token rejected, restarting listing'));
  } finally {
    await server.close();
  }
});

test('a page token rejected again after the restart fails the listing with API_REQUEST', async () => {
  const server = await startScriptedServer((req) =>
    req.query.page_token === undefined
      ? { body: listPage([{ id: 'env-1' }], '/org/v2/environments?page_token=t2') }
      : { status: 400, body: { errors: [{ status: '400', detail: 'page token expired' }] } },
  );
  try {
    const { client } = createTestClient(server.url);
    const err = await appErrorOf(client.listEnvironments());
    assert.is(err.code, 'API_REQUEST');
    assert.is(
      err.message,
      'list environments: server returned HTTP 400 (page token expired) for GET /org/v2/environments (page_token rejected again after restarting the listing)',
    );
    assert.is(server.requests.length, 4);
  } finally {
    await server.close();
  }
});

test('a body of the wrong shape is API_BAD_RESPONSE naming the endpoint and field, not retried', async () => {
  const cases: [
    string,
    string,
    unknown,
    (c: ReturnType<typeof createTestClient>['client']) => Promise<unknown>,
    string,
  ][] = [
    [
      'item without id',
      '/cmk/v2/clusters',
      listPage([{ id: 'lkc-1' }, { spec: { display_name: 'x' } }]),
      (c) => c.listKafkaClusters('env-1'),
      'list kafka clusters in env-1: GET /cmk/v2/clusters returned an unexpected body: data[1].id: is missing',
    ],
    [
      'data not an array',
      '/org/v2/environments',
      { metadata: {}, data: { id: 'env-1' } },
      (c) => c.listEnvironments(),
      'list environments: GET /org/v2/environments returned an unexpected body: data: expected array, received object',
    ],
    [
      // (an entry without id.id is read: discovery leaves it out with a warning)
      'connector with an id.id of the wrong type',
      '/connect/v1/environments/env-1/clusters/lkc-1/connectors',
      { good: { id: { id: 'lcc-1' } }, 'bad-one': { id: { id: 7, id_type: 'ID' } } },
      (c) => c.listConnectors('env-1', 'lkc-1'),
      'list connectors of lkc-1 in env-1: GET /connect/v1/environments/env-1/clusters/lkc-1/connectors returned an unexpected body: ["bad-one"].id.id: expected string, received number',
    ],
    [
      'next without a token',
      '/fcpm/v2/compute-pools',
      listPage([{ id: 'lfcp-1' }], '/fcpm/v2/compute-pools?environment=env-1'),
      (c) => c.listComputePools('env-1'),
      'list flink compute pools in env-1: GET /fcpm/v2/compute-pools returned an unexpected body: metadata.next has no page_token',
    ],
  ];
  for (const [name, path, body, call, want] of cases) {
    const server = await startScriptedServer(() => ({ body }));
    try {
      const { client } = createTestClient(server.url);
      const err = await appErrorOf(call(client));
      assert.is(err.code, 'API_BAD_RESPONSE', name);
      assert.is(err.message, want, name);
      assert.equal(
        server.requests.map((r) => r.path),
        [path],
        name,
      );
    } finally {
      await server.close();
    }
  }
});

test('a truncated or empty 200 body is transient and retried', async () => {
  const server = await startScriptedServer((_req, index) =>
    index === 0
      ? { body: '{"data": [{"id": "env-1"' }
      : index === 1
        ? { body: '' }
        : { body: listPage([{ id: 'env-1' }]) },
  );
  try {
    const { client, captured } = createTestClient(server.url);
    assert.equal(await client.listEnvironments(), [{ id: 'env-1' }]);
    assert.is(server.requests.length, 3);
    assert.equal(
      captured
        .entries()
        .filter((e) => e.level === 'warn')
        .map((e) => e.reason),
      ['response body is not valid JSON', 'response body is empty'],
    );
  } finally {
    await server.close();
  }
});

test('exhausted retries are API_UNAVAILABLE naming the action, the status and the attempts', async () => {
  const server = await startScriptedServer(() => ({ status: 503, body: { errors: [{ status: '503' }] } }));
  try {
    const { client, captured } = createTestClient(server.url, { retries: 6 });
    const err = await appErrorOf(client.listKafkaClusters('env-1'));
    assert.is(err.code, 'API_UNAVAILABLE');
    assert.is(err.message, 'list kafka clusters in env-1: server returned HTTP 503 after 7 attempts');
    assert.is(err.retryable, true);
    assert.is(server.requests.length, 7);
    assert.equal(failedAttempts(captured.entries()), [
      ...[1, 2, 3, 4, 5, 6].map((n) => ['GET /cmk/v2/clusters', 503, n, 'number']),
      ['GET /cmk/v2/clusters', 503, 7, null],
    ]);
    assert.equal(client.stats(), { ...client.stats(), requests: 7, retries: 6, throttled: 0, failures: 7 });
  } finally {
    await server.close();
  }
});

test('a refused connection is a network error, retried, then API_UNAVAILABLE', async () => {
  const server = await startScriptedServer(() => ({ body: {} }));
  const url = server.url;
  await server.close();
  const { client } = createTestClient(url, { retries: 1 });
  const err = await appErrorOf(client.listEnvironments());
  assert.is(err.code, 'API_UNAVAILABLE');
  assert.is(err.message, 'list environments: network error: ECONNREFUSED after 2 attempts');
});

test('aborting the signal stops a listing that waits for a retry', async () => {
  const server = await startScriptedServer(() => ({ status: 429, headers: { 'Retry-After': '60' } }));
  try {
    const controller = new AbortController();
    const { client } = createTestClient(server.url, { signal: controller.signal });
    const pending = appErrorOf(client.listEnvironments());
    const deadline = Date.now() + 5000;
    while (server.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    controller.abort();
    const err = await pending;
    assert.is(err.code, 'ABORTED');
    assert.is(err.message, 'list environments: aborted');
    assert.is(server.requests.length, 1);
  } finally {
    await server.close();
  }
});

test.run();
