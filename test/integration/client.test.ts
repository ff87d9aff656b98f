/** The Confluent client against a scripted loopback server: paging, request shapes, records, limits. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listPage, startScriptedServer } from '../helpers/scripted-server.js';
import { appErrorOf, createTestClient, TEST_KEY, TEST_SECRET } from '../helpers/test-client.js';

test('listEnvironments follows metadata.next across 3 pages with page_size=100 first', async () => {
  const server = await startScriptedServer((req) => {
    const token = req.query.page_token?.[0];
    if (token === undefined)
      return {
        body: listPage(
          [{ id: 'env-1' }, { id: 'env-2' }],
          `${server.url}/org/v2/environments?page_token=tok-2`,
        ),
      };
    if (token === 'tok-2')
      return {
        body: listPage(
          [{ id: 'env-3' }],
          `https://api.confluent.cloud/org/v2/environments?page_token=tok%2B3`,
        ),
      };
    if (token === 'tok+3') return { body: listPage([{ id: 'env-4', display_name: 'last' }], null) };
    return { status: 404 };
  });
  try {
    const { client } = createTestClient(server.url);
    const envs = await client.listEnvironments();
    assert.equal(envs, [
      { id: 'env-1' },
      { id: 'env-2' },
      { id: 'env-3' },
      { id: 'env-4', display_name: 'last' },
    ]);
    assert.equal(
      server.requests.map((r) => [r.method, r.path, r.query]),
      [
        ['GET', '/org/v2/environments', { page_size: ['100'] }],
        ['GET', '/org/v2/environments', { page_token: ['tok-2'] }],
        ['GET', '/org/v2/environments', { page_token: ['tok+3'] }],
      ],
    );
    assert.equal(client.stats(), { ...client.stats(), requests: 3, retries: 0, throttled: 0, failures: 0 });
  } finally {
    await server.close();
  }
});

test('environment listings keep the environment filter on every page and end on "" or absent next', async () => {
  const paths = ['/cmk/v2/clusters', '/srcm/v3/clusters', '/ksqldbcm/v2/clusters', '/fcpm/v2/compute-pools'];
  const server = await startScriptedServer((req) => {
    const token = req.query.page_token?.[0];
    const id = `${req.path.split('/')[1]}-${token ?? 'first'}`;
    if (token === undefined)
      return {
        body: listPage(
          [{ id, spec: { environment: { id: 'env-9' } } }],
          `${req.path}?page_token=p2&environment=env-9`,
        ),
      };
    return {
      body: { ...listPage([{ id }]), metadata: req.path.startsWith('/fcpm') ? { first: '', next: '' } : {} },
    };
  });
  try {
    const { client } = createTestClient(server.url);
    const results = [
      await client.listKafkaClusters('env-9'),
      await client.listSchemaRegistryClusters('env-9'),
      await client.listKsqlClusters('env-9'),
      await client.listComputePools('env-9'),
    ];
    assert.equal(
      results.map((items) => items.map((i) => i.id)),
      [
        ['cmk-first', 'cmk-p2'],
        ['srcm-first', 'srcm-p2'],
        ['ksqldbcm-first', 'ksqldbcm-p2'],
        ['fcpm-first', 'fcpm-p2'],
      ],
    );
    for (const path of paths) {
      assert.equal(
        server.requestsTo(path).map((r) => r.query),
        [
          { environment: ['env-9'], page_size: ['100'] },
          { environment: ['env-9'], page_token: ['p2'] },
        ],
        path,
      );
    }
  } finally {
    await server.close();
  }
});

test('listConnectors asks for expand=id,info,status and returns records sorted by name with lcc ids', async () => {
  const server = await startScriptedServer(() => ({
    body: {
      'pg-cdc-source': {
        id: { id: 'lcc-4d5e6f', id_type: 'ID' },
        info: {
          name: 'pg-cdc-source',
          type: 'source',
          config: { 'cloud.provider': 'aws', 'kafka.region': 'us-east-1' },
        },
        status: { name: 'pg-cdc-source', type: 'source', connector: { state: 'FAILED' }, tasks: [] },
        extensions: {},
      },
      'orders-s3-sink': {
        id: { id: 'lcc-1a2b3c', id_type: 'ID' },
        info: { name: 'orders-s3-sink', type: 'sink' },
      },
    },
  }));
  try {
    const { client } = createTestClient(server.url);
    const connectors = await client.listConnectors('env-a1', 'lkc-b2');
    assert.equal(connectors, [
      {
        name: 'orders-s3-sink',
        id: { id: 'lcc-1a2b3c', id_type: 'ID' },
        info: { name: 'orders-s3-sink', type: 'sink' },
      },
      {
        name: 'pg-cdc-source',
        id: { id: 'lcc-4d5e6f', id_type: 'ID' },
        info: {
          name: 'pg-cdc-source',
          type: 'source',
          config: { 'cloud.provider': 'aws', 'kafka.region': 'us-east-1' },
        },
        status: { name: 'pg-cdc-source', type: 'source', connector: { state: 'FAILED' }, tasks: [] },
      },
    ]);
    assert.equal(
      server.requests.map((r) => [r.path, r.query]),
      [['/connect/v1/environments/env-a1/clusters/lkc-b2/connectors', { expand: ['id,info,status'] }]],
    );
  } finally {
    await server.close();
  }
});

test('a cluster without connectors answers {} or [] and lists none; a list of names is refused', async () => {
  const bodies: unknown[] = [{}, [], ['orders-s3-sink']];
  const server = await startScriptedServer((_req, index) => ({ body: bodies[index] }));
  try {
    const { client } = createTestClient(server.url);
    assert.equal(await client.listConnectors('env-1', 'lkc-1'), []);
    assert.equal(await client.listConnectors('env-1', 'lkc-1'), []);
    const err = await appErrorOf(client.listConnectors('env-1', 'lkc-1'));
    assert.is(err.code, 'API_BAD_RESPONSE');
    assert.is(
      err.message,
      'list connectors of lkc-1 in env-1: GET /connect/v1/environments/env-1/clusters/lkc-1/connectors returned an unexpected body: (body): expected record, received array',
    );
  } finally {
    await server.close();
  }
});

test('an injected fetch carries every request', async () => {
  const server = await startScriptedServer(() => ({ body: listPage([{ id: 'env-1' }]) }));
  try {
    const seen: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      seen.push(input instanceof Request ? new URL(input.url).pathname : String(input));
      return fetch(input, init);
    };
    const { client } = createTestClient(server.url, { fetch: countingFetch });
    await client.listEnvironments();
    await client.listResourceTypes().catch(() => undefined);
    assert.equal(seen, ['/org/v2/environments', '/v2/metrics/cloud/descriptors/resources']);
  } finally {
    await server.close();
  }
});

test('listResourceTypes follows meta.pagination.next_page_token on the telemetry URL', async () => {
  const server = await startScriptedServer((req) => {
    const token = req.query.page_token?.[0];
    if (token === undefined)
      return {
        body: {
          data: [{ type: 'kafka', labels: [{ key: 'kafka.id', exportable: true }] }],
          meta: { pagination: { page_size: 1, next_page_token: 'n2' } },
        },
      };
    if (token === 'n2')
      return {
        body: {
          data: [{ type: 'connector' }],
          meta: { pagination: { page_size: 1, next_page_token: 'n3' } },
        },
      };
    return {
      body: { data: [{ type: 'compute_pool' }], meta: { pagination: { page_size: 1 } }, links: null },
    };
  });
  const control = await startScriptedServer(() => ({ status: 500 }));
  try {
    const { client } = createTestClient(control.url, { telemetryUrl: server.url });
    const types = await client.listResourceTypes();
    assert.equal(types, [
      { type: 'kafka', labels: [{ key: 'kafka.id', exportable: true }] },
      { type: 'connector' },
      { type: 'compute_pool' },
    ]);
    assert.equal(
      server.requests.map((r) => [r.path, r.query]),
      [
        ['/v2/metrics/cloud/descriptors/resources', { page_size: ['100'] }],
        ['/v2/metrics/cloud/descriptors/resources', { page_token: ['n2'] }],
        ['/v2/metrics/cloud/descriptors/resources', { page_token: ['n3'] }],
      ],
    );
    assert.is(control.requests.length, 0);
  } finally {
    await server.close();
    await control.close();
  }
});

test('every request carries Basic base64(key:secret) and the credentials never reach the log', async () => {
  const server = await startScriptedServer((req, index) => {
    if (req.path === '/org/v2/environments' && index === 0)
      return { status: 503, body: { errors: [{ status: '503' }] } };
    if (req.path === '/cmk/v2/clusters')
      return { status: 403, body: { errors: [{ status: '403', code: 'user_unauthorized' }] } };
    return { body: listPage([{ id: 'env-1' }]) };
  });
  try {
    const { client, captured } = createTestClient(server.url);
    await client.listEnvironments();
    await client.listKafkaClusters('env-1').catch(() => undefined);
    const expected = `Basic ${Buffer.from(`${TEST_KEY}:${TEST_SECRET}`).toString('base64')}`;
    assert.equal(
      server.requests.map((r) => r.headers.authorization),
      [expected, expected, expected],
    );
    const text = captured.text();
    assert.is(captured.entries().length, 2);
    for (const secret of [
      TEST_SECRET,
      expected,
      Buffer.from(`${TEST_KEY}:${TEST_SECRET}`).toString('base64'),
      'Basic ',
    ]) {
      assert.not.ok(text.includes(secret), `log holds ${secret}`);
    }
    assert.not.ok(/authorization/i.test(text));
  } finally {
    await server.close();
  }
});

test('concurrency is bounded by one limiter shared by both base URLs', async () => {
  let inFlight = 0;
  let maxInFlight = 0;
  const handler = async () => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 20));
    inFlight--;
    return { body: { data: [{ id: 'x-1', type: 'kafka' }] } };
  };
  const control = await startScriptedServer(handler);
  const telemetry = await startScriptedServer(handler);
  try {
    const { client } = createTestClient(control.url, { telemetryUrl: telemetry.url, concurrency: 2 });
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 4; i++) calls.push(client.listKafkaClusters(`env-${i}`), client.listResourceTypes());
    await Promise.all(calls);
    assert.is(control.requests.length + telemetry.requests.length, 8);
    assert.is(maxInFlight, 2);
  } finally {
    await control.close();
    await telemetry.close();
  }
});

test('a nearly used-up rate-limit window holds the next request until the window resets (no 429 needed)', async () => {
  const server = await startScriptedServer((req) => {
    if (req.query.page_token === undefined)
      return {
        headers: { 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '1', 'X-RateLimit-Reset': '1' },
        body: listPage([{ id: 'env-1' }], '/org/v2/environments?page_token=t2'),
      };
    return {
      headers: { 'X-RateLimit-Limit': '10', 'X-RateLimit-Remaining': '9', 'X-RateLimit-Reset': '60' },
      body: listPage([{ id: 'env-2' }]),
    };
  });
  try {
    const { client } = createTestClient(server.url, { concurrency: 4 });
    assert.equal(
      (await client.listEnvironments()).map((e) => e.id),
      ['env-1', 'env-2'],
    );
    const [first, second] = server.requests;
    assert.ok(first && second);
    assert.ok(second.at - first.at >= 1000, `second request came ${second.at - first.at} ms after the first`);
    assert.is(client.stats().throttled, 0);
  } finally {
    await server.close();
  }
});

test.run();
