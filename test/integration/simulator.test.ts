/**
 * The simulator as a client sees it: a real server on 127.0.0.1 port 0, plain fetch. A fake clock pins rate
 * windows and page-token ages, so nothing here depends on timing.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';

const AUTH = { authorization: `Basic ${Buffer.from('sim-key:sim-secret').toString('base64')}` };
const START = Date.UTC(2026, 10, 23, 10, 0, 0);

interface Ctx {
  sim: RunningSimulator;
  now: number;
}

async function get(sim: RunningSimulator, path: string, headers: Record<string, string> = AUTH) {
  const res = await fetch(path.startsWith('http') ? path : `${sim.url}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text };
}

async function getJson<T = any>(sim: RunningSimulator, path: string) {
  const r = await get(sim, path);
  return { ...r, body: JSON.parse(r.text) as T };
}

async function admin<T = any>(sim: RunningSimulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...AUTH, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

function fresh(name: string) {
  const s = suite<Ctx>(name, { sim: undefined as unknown as RunningSimulator, now: START });
  s.before(async (ctx) => {
    ctx.now = START;
    ctx.sim = await startSimulator({ seed: 7, port: 0, clock: () => ctx.now });
  });
  s.after(async (ctx) => {
    await ctx.sim.close();
  });
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
const auth = fresh('auth');

auth('401 with WWW-Authenticate and the errors body without or with wrong credentials', async ({ sim }) => {
  for (const headers of [
    {} as Record<string, string>,
    { authorization: `Basic ${Buffer.from('sim-key:nope').toString('base64')}` },
  ]) {
    const r = await get(sim, '/org/v2/environments', headers);
    assert.is(r.status, 401);
    assert.is(
      r.headers.get('www-authenticate'),
      'Basic error="invalid_key", error_description="The API Key is invalid"',
    );
    const error = JSON.parse(r.text).errors[0];
    assert.equal([error.status, error.code], ['401', 'user_unauthenticated']);
    assert.ok(r.headers.get('x-request-id'));
  }
});

auth('401 on Connect uses the Connect error body', async ({ sim }) => {
  const r = await get(sim, '/connect/v1/environments/env-x/clusters/lkc-x/connectors', {});
  assert.is(r.status, 401);
  assert.equal(JSON.parse(r.text), { error: { code: 401, message: 'Unauthorized' } });
});

auth('the admin API needs the same credentials', async ({ sim }) => {
  assert.is((await get(sim, '/_sim/org', {})).status, 401);
  assert.is((await get(sim, '/_sim/org')).status, 200);
});

auth.run();

// ---------------------------------------------------------------------------------------------------------------
const listing = fresh('listing');

listing(
  'page_size=2 shows metadata.next, and following next walks every environment once',
  async ({ sim }) => {
    const first = await getJson(sim, '/org/v2/environments?page_size=2');
    assert.is(first.status, 200);
    assert.is(first.headers.get('content-type'), 'application/json');
    assert.equal(Object.keys(first.body), ['api_version', 'kind', 'metadata', 'data']);
    assert.equal([first.body.api_version, first.body.kind], ['org/v2', 'EnvironmentList']);
    assert.is(first.body.metadata.total_size, 3);
    assert.match(
      first.body.metadata.next,
      new RegExp(`^${sim.url}/org/v2/environments\\?page_token=[A-Za-z0-9_-]+$`),
    );
    const seen: string[] = first.body.data.map((e: { id: string }) => e.id);
    let next: string | undefined = first.body.metadata.next;
    let pages = 1;
    while (next) {
      const page = await getJson(sim, next);
      seen.push(...page.body.data.map((e: { id: string }) => e.id));
      next = page.body.metadata.next;
      pages += 1;
    }
    assert.is(pages, 2);
    assert.equal(
      seen,
      sim.org.environments.map((e) => e.id),
    );
  },
);

listing('an environment record has the real shape', async ({ sim }) => {
  const env = sim.org.environments[0]!;
  const { body } = await getJson(sim, '/org/v2/environments?page_size=1');
  assert.equal(body.data[0], {
    api_version: 'org/v2',
    kind: 'Environment',
    id: env.id,
    metadata: {
      self: `${sim.url}/org/v2/environments/${env.id}`,
      resource_name: `crn://confluent.cloud/organization=${sim.org.organizationId}/environment=${env.id}`,
      created_at: env.createdAt,
      updated_at: env.updatedAt,
    },
    display_name: 'production',
    stream_governance_config: { package: env.streamGovernancePackage },
  });
});

listing('page_size above 100 is a 400 invalid_filter', async ({ sim }) => {
  const r = await getJson(sim, '/org/v2/environments?page_size=101');
  assert.is(r.status, 400);
  assert.equal([r.body.errors[0].status, r.body.errors[0].code], ['400', 'invalid_filter']);
});

listing('environment is required on cmk, srcm, ksqldbcm and fcpm', async ({ sim }) => {
  for (const path of [
    '/cmk/v2/clusters',
    '/srcm/v3/clusters',
    '/ksqldbcm/v2/clusters',
    '/fcpm/v2/compute-pools',
  ]) {
    const r = await getJson(sim, path);
    assert.is(r.status, 400, path);
    assert.equal(r.body.errors[0].source, { parameter: 'environment' });
  }
});

listing('an environment the key cannot see is a 403', async ({ sim }) => {
  const r = await getJson(sim, '/cmk/v2/clusters?environment=env-zzzzzz');
  assert.is(r.status, 403);
  assert.is(r.body.errors[0].status, '403');
});

listing('the environment filter lists only that environment, next keeps the filter', async ({ sim }) => {
  const env = sim.org.environments[1]!;
  const first = await getJson(sim, `/cmk/v2/clusters?environment=${env.id}&page_size=1`);
  assert.is(first.body.metadata.total_size, env.kafkaClusters.length);
  assert.match(first.body.metadata.next, `&environment=${env.id}`);
  const second = await getJson(sim, first.body.metadata.next);
  assert.equal(
    [...first.body.data, ...second.body.data].map((c: { id: string }) => c.id),
    env.kafkaClusters.map((c) => c.id),
  );
  assert.is(second.body.metadata.next, undefined);
  const c = env.kafkaClusters[0]!;
  const spec = first.body.data[0].spec;
  assert.equal(
    [spec.display_name, spec.cloud, spec.region],
    [c.displayName, c.cloud.toUpperCase(), c.region],
  );
  assert.equal(spec.environment.id, env.id);
});

listing('schema registry, ksqlDB and compute pool shapes', async ({ sim }) => {
  const env = sim.org.environments[0]!;
  const sr = await getJson(sim, `/srcm/v3/clusters?environment=${env.id}`);
  assert.equal([sr.body.api_version, sr.body.kind, sr.body.data.length], ['srcm/v3', 'ClusterList', 1]);
  assert.is(sr.body.data[0].id, env.schemaRegistry!.id);
  assert.is(sr.body.data[0].spec.cloud, env.schemaRegistry!.cloud.toUpperCase());
  const ksql = await getJson(sim, `/ksqldbcm/v2/clusters?environment=${env.id}`);
  const q = ksql.body.data[0];
  assert.is(q.id, env.ksqlClusters[0]!.id);
  assert.is(q.spec.kafka_cluster.id, env.ksqlClusters[0]!.kafkaClusterId);
  assert.is(q.spec.cloud, undefined);
  assert.is(q.spec.region, undefined);
  const pools = await getJson(sim, `/fcpm/v2/compute-pools?environment=${env.id}`);
  assert.equal([pools.body.api_version, pools.body.kind], ['fcpm/v2', 'ComputePoolList']);
  assert.equal(
    pools.body.data.map((p: { id: string; spec: { cloud: string } }) => [p.id, p.spec.cloud]),
    env.computePools.map((p) => [p.id, p.cloud.toUpperCase()]),
  );
});

listing('connectors: names without expand, an object keyed by name with expand', async ({ sim }) => {
  const env = sim.org.environments[0]!;
  const cluster = env.kafkaClusters[0]!;
  const path = `/connect/v1/environments/${env.id}/clusters/${cluster.id}/connectors`;
  // managed connectors, then custom ones (the first cluster of an environment has one)
  const names = [...cluster.connectors, ...cluster.customConnectors].map((c) => c.name);
  assert.equal((await getJson(sim, path)).body, names);
  const expanded = (await getJson(sim, `${path}?expand=id,info,status`)).body;
  assert.equal(Object.keys(expanded), names);
  const c = cluster.connectors[0]!;
  const entry = expanded[c.name];
  assert.equal(Object.keys(entry), ['id', 'info', 'status', 'extensions']);
  assert.equal(entry.id, { id: c.id, id_type: 'ID' });
  assert.is(entry.info.config['cloud.provider'], cluster.cloud);
  assert.is(entry.info.config['kafka.region'], cluster.region);
  assert.is(entry.status.connector.state, c.state);
  const repeated = (await getJson(sim, `${path}?expand=id&expand=status`)).body;
  assert.equal(Object.keys(repeated[c.name]), ['id', 'status', 'extensions']);
});

listing(
  'connectors of an unknown cluster or the wrong environment: 404 account not found',
  async ({ sim }) => {
    const [a, b] = sim.org.environments;
    for (const path of [
      `/connect/v1/environments/${a!.id}/clusters/lkc-zzzzzz/connectors`,
      `/connect/v1/environments/${b!.id}/clusters/${a!.kafkaClusters[0]!.id}/connectors?expand=id`,
    ]) {
      const r = await getJson(sim, path);
      assert.is(r.status, 404);
      assert.equal(r.body, { error: { code: 404, message: 'account not found' } });
    }
  },
);

listing('unknown paths are 404 with the errors body', async ({ sim }) => {
  const r = await getJson(sim, '/iam/v2/service-accounts');
  assert.is(r.status, 404);
  assert.equal([r.body.errors[0].status, r.body.errors[0].code], ['404', 'resource_not_found']);
});

listing('an expired page token is a 400; a fresh one works', async (ctx) => {
  const first = await getJson(ctx.sim, '/org/v2/environments?page_size=2');
  ctx.now += 5 * 60_000;
  assert.is((await get(ctx.sim, first.body.metadata.next)).status, 200, 'exactly the ttl is still valid');
  ctx.now += 1;
  const r = await getJson(ctx.sim, first.body.metadata.next);
  assert.is(r.status, 400);
  assert.equal([r.body.errors[0].status, r.body.errors[0].code], ['400', 'invalid_page_token']);
});

listing.run();

// ---------------------------------------------------------------------------------------------------------------
const metrics = fresh('metrics');

metrics('descriptors list the five resource types', async ({ sim }) => {
  const { body } = await getJson(sim, '/v2/metrics/cloud/descriptors/resources');
  assert.equal(
    body.data.map((d: { type: string }) => d.type),
    ['kafka', 'connector', 'ksql', 'schema_registry', 'compute_pool'],
  );
  assert.equal(body.meta.pagination, { page_size: 100, total_size: 5 });
});

metrics('export answers Prometheus text for dotted, underscore, comma and repeated params', async (ctx) => {
  const { sim } = ctx;
  const env = sim.org.environments[0]!;
  const [k1, k2] = env.kafkaClusters;
  const ts = String(ctx.now - 60_000);
  for (const query of [
    `resource.kafka.id=${k1!.id},${k2!.id}`,
    `resource_kafka_id=${k1!.id}&resource_kafka_id=${k2!.id}`,
    `resource.kafka.id=${k1!.id}&resource_kafka_id=${k2!.id}`,
  ]) {
    const r = await get(sim, `/v2/metrics/cloud/export?${query}`);
    assert.is(r.status, 200);
    assert.is(r.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const partitions = r.text
      .split('\n')
      .filter((l) => l.startsWith('confluent_kafka_server_partition_count{'));
    assert.equal(
      partitions.map((l) => l.replace(/ \d+ \d+$/, '')),
      [
        `confluent_kafka_server_partition_count{kafka_id="${k1!.id}"}`,
        `confluent_kafka_server_partition_count{kafka_id="${k2!.id}"}`,
      ],
    );
    for (const line of partitions) assert.ok(line.endsWith(` ${ts}`), line);
    assert.match(r.text, `# TYPE confluent_kafka_server_received_bytes gauge\n`);
    assert.match(
      r.text,
      new RegExp(`confluent_kafka_server_received_bytes\\{kafka_id="${k1!.id}",topic="[a-z]+"\\} \\d+ ${ts}`),
    );
  }
});

metrics('export of every type uses the real label names; unknown ids get an access error', async (ctx) => {
  const { sim } = ctx;
  const env = sim.org.environments[0]!;
  const query = [
    `resource.schema_registry.id=${env.schemaRegistry!.id}`,
    `resource_ksql_id=${env.ksqlClusters[0]!.id}`,
    `resource.compute_pool.id=${env.computePools[0]!.id}`,
    `resource.connector.id=${env.kafkaClusters[0]!.connectors[0]!.id}`,
    'resource.kafka.id=lkc-zzzzzz',
  ].join('&');
  const r = await get(sim, `/v2/metrics/cloud/export?${query}`);
  const labelNames = new Set([...r.text.matchAll(/\{([a-z_]+)="/g)].map((m) => m[1]));
  assert.equal([...labelNames].sort(), [
    'compute_pool_id',
    'connector_id',
    'ksql_id',
    'resource_id',
    'schema_registry_id',
  ]);
  assert.not.match(r.text, 'kafka_id=');
  const ts = ctx.now - 60_000;
  assert.match(
    r.text,
    `confluent_scrape_resource_access_error{resource_id="lkc-zzzzzz",resource_type="resource.kafka.id"} 1 ${ts}\n`,
  );
  assert.match(
    r.text,
    `confluent_scrape_resource_access_error{resource_id="${env.schemaRegistry!.id}",resource_type="resource.schema_registry.id"} 0 ${ts}\n`,
  );
});

metrics('export without a resource filter is a 400', async ({ sim }) => {
  const r = await getJson(sim, '/v2/metrics/cloud/export');
  assert.is(r.status, 400);
  assert.is(r.body.errors[0].status, '400');
});

metrics.run();

// ---------------------------------------------------------------------------------------------------------------
const limits = fresh('rate limit and faults');

limits('over the limit: 429 with Retry-After, X-RateLimit-* on every response', async (ctx) => {
  const { sim } = ctx;
  sim.setConfig({ rateLimit: 2 });
  try {
    ctx.now = START + 10_250;
    const a = await get(sim, '/org/v2/environments');
    const b = await get(sim, '/org/v2/environments');
    const c = await get(sim, '/org/v2/environments');
    assert.equal(
      [a, b, c].map((r) => [
        r.status,
        r.headers.get('x-ratelimit-limit'),
        r.headers.get('x-ratelimit-remaining'),
        r.headers.get('x-ratelimit-reset'),
        r.headers.get('retry-after'),
      ]),
      [
        [200, '2', '1', '1', null],
        [200, '2', '0', '1', null],
        [429, '2', '0', '1', '1'],
      ],
    );
    const error = JSON.parse(c.text).errors[0];
    assert.equal([error.status, error.code], ['429', 'too_many_requests']);
    ctx.now += 1000;
    assert.is((await get(sim, '/org/v2/environments')).status, 200, 'the next window lets requests through');
    assert.is((await get(sim, '/_sim/stats')).status, 200, 'the admin API is not limited');
    assert.is(sim.stats().rateLimited, 1);
  } finally {
    sim.setConfig({ rateLimit: 0 });
  }
});

limits('fault rate 1: every API request gets a fault, counted per kind', async ({ sim }) => {
  sim.resetStats();
  sim.setConfig({ faultRate: 1, faultTimeoutMs: 20 });
  const outcomes = new Set<string>();
  try {
    for (let i = 0; i < 30; i++) {
      try {
        const r = await get(sim, '/org/v2/environments');
        if (r.status === 200) {
          assert.throws(() => JSON.parse(r.text));
          outcomes.add('broken-body');
        } else {
          assert.ok(r.status === 500 || r.status === 503, String(r.status));
          assert.is(JSON.parse(r.text).errors[0].status, String(r.status));
          outcomes.add(String(r.status));
        }
      } catch (err) {
        assert.instance(err, TypeError, 'a held request ends with the socket destroyed');
        outcomes.add('timeout');
      }
    }
    const stats = sim.stats();
    assert.is(stats.requests, 30);
    assert.is(stats.faults, 30);
    const kinds = Object.entries(stats.faultsByKind)
      .filter(([, n]) => n > 0)
      .map(([k]) => k);
    assert.equal(kinds.sort(), [...outcomes].sort());
    assert.is(stats.faultsByKind['expired-token'], 0, 'no request carried a page token');
    assert.is((await admin(sim, 'GET', '/_sim/org')).status, 200, 'the admin API is never faulted');
  } finally {
    sim.setConfig({ faultRate: 0 });
  }
});

limits('the expired-token fault hits requests with a page token only', async ({ sim }) => {
  const first = await getJson(sim, '/org/v2/environments?page_size=1');
  sim.setConfig({ faultRate: 1, faultKinds: ['expired-token'] });
  try {
    const r = await getJson(sim, first.body.metadata.next);
    assert.is(r.status, 400);
    assert.is(r.body.errors[0].code, 'invalid_page_token');
    assert.is((await get(sim, '/org/v2/environments?page_size=1')).status, 200);
  } finally {
    sim.setConfig({ faultRate: 0, faultKinds: ['500', '503', 'timeout', 'broken-body', 'expired-token'] });
  }
});

limits('stats count requests per endpoint template', async ({ sim }) => {
  sim.resetStats();
  const env = sim.org.environments[0]!;
  await get(sim, `/cmk/v2/clusters?environment=${env.id}`);
  await get(sim, `/connect/v1/environments/${env.id}/clusters/${env.kafkaClusters[0]!.id}/connectors`);
  await get(sim, '/nowhere');
  const { body } = await admin(sim, 'GET', '/_sim/stats');
  assert.equal(body.byEndpoint, {
    '/cmk/v2/clusters': 1,
    '/connect/v1/environments/{environment_id}/clusters/{kafka_cluster_id}/connectors': 1,
    '(unmatched)': 1,
  });
  assert.equal(body.byStatus, { 200: 2, 404: 1 });
  assert.is((await admin(sim, 'POST', '/_sim/stats/reset')).body.requests, 0);
});

limits.run();

// ---------------------------------------------------------------------------------------------------------------
const adminApi = fresh('admin API');

adminApi('add, rename and delete an environment: visible in listings', async ({ sim }) => {
  const created = await admin(sim, 'POST', '/_sim/environments', { display_name: 'payments-prod' });
  assert.is(created.status, 201);
  assert.match(created.body.id, /^env-[a-z0-9]{6}$/);
  const list = async () =>
    (await getJson(sim, '/org/v2/environments?page_size=100')).body.data.map((e: any) => [
      e.id,
      e.display_name,
    ]);
  assert.equal((await list()).at(-1), [created.body.id, 'payments-prod']);
  const renamed = await admin(sim, 'PATCH', `/_sim/environments/${created.body.id}`, {
    display_name: 'payments',
  });
  assert.is(renamed.body.displayName, 'payments');
  assert.equal((await list()).at(-1), [created.body.id, 'payments']);
  const deleted = await admin(sim, 'DELETE', `/_sim/resources/${created.body.id}`);
  assert.equal(deleted.body, { deleted: [created.body.id] });
  assert.is((await list()).length, 3);
});

adminApi(
  'add a Kafka cluster, connector, ksqlDB cluster, compute pool; delete the cluster cascades',
  async ({ sim }) => {
    const env = sim.org.environments[2]!;
    const cluster = await admin(sim, 'POST', '/_sim/kafka-clusters', {
      environment: env.id,
      display_name: 'extra',
      cloud: 'GCP',
      region: 'europe-west1',
    });
    assert.is(cluster.status, 201);
    assert.equal(
      [cluster.body.displayName, cluster.body.cloud, cluster.body.region],
      ['extra', 'gcp', 'europe-west1'],
    );
    const kafka = await getJson(sim, `/cmk/v2/clusters?environment=${env.id}&page_size=100`);
    const listed = kafka.body.data.find((c: any) => c.id === cluster.body.id);
    assert.equal([listed.spec.display_name, listed.spec.cloud], ['extra', 'GCP']);

    const connector = await admin(sim, 'POST', '/_sim/connectors', {
      environment: env.id,
      kafka_cluster: cluster.body.id,
      name: 'orders-s3-sink',
    });
    assert.equal(
      [connector.status, connector.body.name, connector.body.type],
      [201, 'orders-s3-sink', 'sink'],
    );
    const path = `/connect/v1/environments/${env.id}/clusters/${cluster.body.id}/connectors?expand=id`;
    assert.equal((await getJson(sim, path)).body, {
      'orders-s3-sink': { id: { id: connector.body.id, id_type: 'ID' }, extensions: {} },
    });
    const duplicate = await admin(sim, 'POST', '/_sim/connectors', {
      environment: env.id,
      kafka_cluster: cluster.body.id,
      name: 'orders-s3-sink',
    });
    assert.is(duplicate.status, 409);

    const ksql = await admin(sim, 'POST', '/_sim/ksql-clusters', {
      environment: env.id,
      kafka_cluster: cluster.body.id,
    });
    assert.is(ksql.body.kafkaClusterId, cluster.body.id);
    const pool = await admin(sim, 'POST', '/_sim/compute-pools', { environment: env.id, region: 'eastus' });
    assert.equal([pool.status, pool.body.cloud], [201, 'azure']);

    const deleted = await admin(sim, 'DELETE', `/_sim/resources/${cluster.body.id}`);
    assert.equal(deleted.body.deleted, [cluster.body.id, connector.body.id, ksql.body.id]);
    assert.is((await get(sim, path)).status, 404);
    const export_ = await get(sim, `/v2/metrics/cloud/export?resource.kafka.id=${cluster.body.id}`);
    assert.match(export_.text, `resource_id="${cluster.body.id}",resource_type="resource.kafka.id"} 1 `);
  },
);

adminApi('a schema registry per environment at most', async ({ sim }) => {
  const env = sim.org.environments[0]!;
  const taken = await admin(sim, 'POST', '/_sim/schema-registries', { environment: env.id });
  assert.is(taken.status, 409);
  const removed = await admin(sim, 'DELETE', `/_sim/resources/${env.schemaRegistry!.id}`);
  assert.is(removed.status, 200);
  assert.equal((await getJson(sim, `/srcm/v3/clusters?environment=${env.id}`)).body.data, []);
  const added = await admin(sim, 'POST', '/_sim/schema-registries', { environment: env.id, cloud: 'aws' });
  assert.match(added.body.id, /^lsrc-/);
  assert.is(added.body.cloud, 'aws');
});

adminApi('bad admin input: 400/404 with the errors body', async ({ sim }) => {
  const cases: [string, string, unknown, number][] = [
    ['POST', '/_sim/environments', {}, 400],
    ['POST', '/_sim/kafka-clusters', { environment: 'env-zzzzzz' }, 404],
    ['POST', '/_sim/kafka-clusters', { environment: sim.org.environments[0]!.id, cloud: 'ibm' }, 400],
    ['POST', '/_sim/ksql-clusters', { environment: sim.org.environments[0]!.id }, 400],
    ['DELETE', '/_sim/resources/lkc-zzzzzz', undefined, 404],
    ['PUT', '/_sim/config', { faultRate: 3 }, 400],
    ['GET', '/_sim/nothing', undefined, 404],
  ];
  for (const [method, path, body, status] of cases) {
    const r = await admin(sim, method, path, body);
    assert.is(r.status, status, `${method} ${path}`);
    assert.is(r.body.errors[0].status, String(status));
  }
});

adminApi('PUT /_sim/config changes behaviour and returns the whole config', async ({ sim }) => {
  const r = await admin(sim, 'PUT', '/_sim/config', { latencyMs: 1, rateLimit: 0 });
  assert.equal(r.body, {
    faultRate: 0,
    faultKinds: ['500', '503', 'timeout', 'broken-body', 'expired-token'],
    latencyMs: 1,
    rateLimit: 0,
    pageTokenTtlMs: 300_000,
    faultTimeoutMs: 30_000,
    metricsLimits: 'none',
    timeScale: 1,
    resourceDescriptors: 'current',
    schemaRegistryUnavailable: false,
    forbiddenEnvironments: [],
    deleteAfterListing: [],
  });
  assert.is((await get(sim, '/org/v2/environments')).status, 200);
  await admin(sim, 'PUT', '/_sim/config', { latencyMs: 0 });
});

adminApi.run();

// ---------------------------------------------------------------------------------------------------------------
const closing = suite('close');

closing('close() ends a request held by a timeout fault at once', async () => {
  const sim = await startSimulator({
    seed: 1,
    faultRate: 1,
    faultKinds: ['timeout'],
    faultTimeoutMs: 600_000,
  });
  let outcome: Promise<string> | undefined;
  try {
    outcome = fetch(`${sim.url}/org/v2/environments`, { headers: AUTH }).then(
      (r) => `status ${r.status}`,
      (err: Error) => err.name,
    );
    const deadline = Date.now() + 5000;
    while (sim.stats().faults === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    assert.is(sim.stats().faultsByKind.timeout, 1);
  } finally {
    await sim.close();
  }
  assert.is(await outcome, 'TypeError');
});

closing.run();
