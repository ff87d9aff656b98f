/**
 * The simulator's Metrics API limits through HTTP: the per-IP minute, the per-resource hour, the points cap, the
 * partition-count query and the traffic stats. A fake clock drives the windows; one test lives through a
 * simulated hour on the real clock with a time scale.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';

const AUTH = { authorization: `Basic ${Buffer.from('sim-key:sim-secret').toString('base64')}` };
const START = Date.UTC(2026, 10, 23, 10, 0, 0);
const PER_IP_BODY =
  '{"errors":[{"status":"429","detail":"Too many requests. Please see the documentation for current rate limits."}]}';
const PARTITION_QUERY = {
  aggregations: [{ metric: 'io.confluent.kafka.server/partition_count' }],
  group_by: ['resource.kafka.id'],
  granularity: 'PT1M',
  intervals: ['PT1M/now-2m|m'],
  limit: 1000,
};

interface Ctx {
  sim: RunningSimulator;
  now: number;
}

async function get(sim: RunningSimulator, path: string) {
  const res = await fetch(`${sim.url}${path}`, { headers: AUTH });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

async function send(sim: RunningSimulator, method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim.url}${path}`, {
    method,
    headers: { ...AUTH, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function rateHeaders(r: { headers: Headers }) {
  return ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'].map((h) => r.headers.get(h));
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

const exportOf = (ids: string) => `/v2/metrics/cloud/export?resource.kafka.id=${ids}`;

// ---------------------------------------------------------------------------------------------------------------
const perIp = fresh('per-IP limit');

perIp('without limits: no rateLimit headers, the legacy export', async ({ sim }) => {
  const r = await get(sim, exportOf(sim.org.environments[0]!.kafkaClusters[0]!.id));
  assert.equal([r.status, ...rateHeaders(r)], [200, null, null, null]);
  assert.not.match(r.text, 'partition="');
});

perIp('2025: 60 Metrics API requests a minute per IP, then the documented 429', async (ctx) => {
  const { sim } = ctx;
  sim.resetStats();
  const set = await send(sim, 'PUT', '/_sim/config', { metricsLimits: '2025' });
  assert.equal(JSON.parse(set.text).metricsLimits, '2025');
  const lkc = sim.org.environments[0]!.kafkaClusters[0]!.id;
  ctx.now = START + 10_000;
  for (let i = 0; i < 59; i++)
    assert.is((await get(sim, '/v2/metrics/cloud/descriptors/resources')).status, 200);
  const last = await get(sim, exportOf(lkc));
  assert.equal([last.status, ...rateHeaders(last)], [200, '60, 80', '0, 79', '50, 3590']);
  const refused = await get(sim, exportOf(lkc));
  assert.equal([refused.status, refused.text, ...rateHeaders(refused)], [429, PER_IP_BODY, '60', '0', '50']);
  assert.is(refused.headers.get('content-type'), 'application/json');
  assert.is((await get(sim, '/org/v2/environments')).status, 200, 'the control plane is another host');

  ctx.now = START + 60_000;
  const next = await get(sim, exportOf(lkc));
  assert.equal([next.status, ...rateHeaders(next)], [200, '60, 80', '59, 78', '60, 3540']);
  const stats = sim.stats();
  assert.equal(stats.metricsApi.requestsPerMinute, { current: 1, last: 61, peak: 61 });
  assert.equal([stats.metricsApi.rateLimitedPerIp, stats.metricsApi.rateLimitedPerResource], [1, 0]);
  assert.is(stats.rateLimited, 1);
  const reset = JSON.parse((await send(sim, 'POST', '/_sim/stats/reset')).text);
  assert.equal(reset.metricsApi, {
    requestsPerMinute: { current: 0, last: 0, peak: 0 },
    rateLimitedPerIp: 0,
    rateLimitedPerResource: 0,
    truncatedResponses: 0,
    seriesCut: 0,
    minutes: [],
  });
});

perIp.run();

// ---------------------------------------------------------------------------------------------------------------
const perResource = fresh('per-resource budget');

perResource(
  '2025: 80 exports an hour per resource; the 429 names every spent one and spends nothing',
  async (ctx) => {
    const { sim } = ctx;
    sim.setConfig({ metricsLimits: '2025' });
    const [k1, k2] = sim.org.environments[0]!.kafkaClusters;
    const c1 = k1!.connectors[0]!.id;
    for (let i = 0; i < 80; i++) {
      ctx.now = START + i * 1000; // 60 a minute: inside the per-IP limit
      const r = await get(sim, `${exportOf(k1!.id)}&resource.connector.id=${c1}`);
      assert.is(r.status, 200);
    }
    ctx.now = START + 80_000;
    const refused = await get(sim, `${exportOf(`${k1!.id},${k2!.id}`)}&resource.connector.id=${c1}`);
    assert.is(refused.status, 429);
    assert.is(
      refused.text,
      JSON.stringify({
        errors: [
          {
            status: '429',
            detail: `Too many requests have been made for the following resources: kafka.id:${k1!.id}, connector.id:${c1}. Please see the documentation for current rate limits.`,
          },
        ],
      }),
    );
    assert.equal(rateHeaders(refused), ['60, 80', '39, 0', '40, 3520']);
    const fresh2 = await get(sim, exportOf(k2!.id));
    assert.equal([fresh2.status, ...rateHeaders(fresh2)], [200, '60, 80', '38, 79', '40, 3520']);
    assert.equal(
      [sim.stats().metricsApi.rateLimitedPerResource, sim.stats().metricsApi.rateLimitedPerIp],
      [1, 0],
    );

    ctx.now = START + 3_600_000;
    assert.is((await get(sim, exportOf(k1!.id))).status, 200, 'a new hour, a new budget');
  },
);

perResource('POST /_sim/limits/reset gives every resource its budget back', async (ctx) => {
  const { sim } = ctx;
  sim.setConfig({ metricsLimits: '2025' });
  const k1 = sim.org.environments[1]!.kafkaClusters[0]!.id;
  for (let i = 0; i < 80; i++) {
    ctx.now = START + 7_200_000 + i * 1000;
    await get(sim, exportOf(k1));
  }
  assert.is((await get(sim, exportOf(k1))).status, 429);
  assert.equal(JSON.parse((await send(sim, 'POST', '/_sim/limits/reset')).text), { reset: true });
  assert.is((await get(sim, exportOf(k1))).status, 200);
});

perResource.run();

// ---------------------------------------------------------------------------------------------------------------
const cap = fresh('points cap');

cap(
  '2025: a cluster of 30,500 partitions loses 500 retained_bytes series, counted as one truncation',
  async ({ sim, now }) => {
    sim.setConfig({ metricsLimits: '2025' });
    const env = sim.org.environments[0]!;
    const created = await send(sim, 'POST', '/_sim/kafka-clusters', {
      environment: env.id,
      display_name: 'huge',
      kind: 'Dedicated',
      cku: 8,
      topics: 300,
      partitions: 30_500,
    });
    assert.is(created.status, 201);
    const big = JSON.parse(created.text).id as string;
    const listed = JSON.parse((await get(sim, `/cmk/v2/clusters/${big}?environment=${env.id}`)).text);
    assert.equal(listed.spec.config, { kind: 'Dedicated', cku: 8 });
    const sizes = JSON.parse((await get(sim, '/_sim/kafka-sizes')).text);
    assert.equal(
      sizes.clusters.find((c: { id: string }) => c.id === big),
      {
        id: big,
        environment: env.id,
        kind: 'Dedicated',
        cku: 8,
        topics: 300,
        partitions: 30_500,
      },
    );

    const r = await get(sim, exportOf(`${big},lkc-zzzzzz`));
    assert.is(r.status, 200);
    const lines = r.text.split('\n');
    const count = (metric: string) => lines.filter((l) => l.startsWith(`${metric}{`)).length;
    assert.is(count('confluent_kafka_server_retained_bytes'), 30_000);
    assert.is(count('confluent_kafka_server_received_bytes'), 300);
    assert.match(r.text, `confluent_kafka_server_partition_count{kafka_id="${big}"} 30500 ${now - 60_000}\n`);
    assert.equal(
      lines.filter((l) => l.startsWith('confluent_scrape_resource_access_error{')),
      [
        `confluent_scrape_resource_access_error{resource_id="${big}",resource_type="resource.kafka.id"} 0 ${now - 60_000}`,
        `confluent_scrape_resource_access_error{resource_id="lkc-zzzzzz",resource_type="resource.kafka.id"} 1 ${now - 60_000}`,
      ],
    );
    const filtered = await get(sim, `${exportOf(big)}&metric=io.confluent.kafka.server/received_bytes`);
    assert.is(
      filtered.text.split('\n').filter((l) => l.startsWith('confluent_kafka_server_retained')).length,
      0,
    );
    const { metricsApi } = sim.stats();
    assert.equal([metricsApi.truncatedResponses, metricsApi.seriesCut], [1, 500]);
    assert.equal(
      [metricsApi.minutes.at(-1)?.truncatedResponses, metricsApi.minutes.at(-1)?.seriesCut],
      [1, 500],
    );
  },
);

cap.run();

// ---------------------------------------------------------------------------------------------------------------
const query = fresh('partition-count query');

query('pages of `limit` clusters in id order, each with its partition count', async ({ sim }) => {
  const sizes = new Map(sim.kafkaSizes().clusters.map((c) => [c.id, c.partitions]));
  const ids = [...sizes.keys()].sort();
  const first = await send(sim, 'POST', '/v2/metrics/cloud/query', { ...PARTITION_QUERY, limit: 4 });
  assert.is(first.status, 200);
  const page1 = JSON.parse(first.text);
  const point = (id: string) => ({
    timestamp: '2026-11-23T09:57:00Z',
    value: sizes.get(id),
    'resource.kafka.id': id,
  });
  assert.equal(page1.data, ids.slice(0, 4).map(point));
  assert.equal(Object.keys(page1.meta.pagination), ['page_size', 'next_page_token']);
  const token = encodeURIComponent(page1.meta.pagination.next_page_token);
  const second = await send(sim, 'POST', `/v2/metrics/cloud/query?page_token=${token}`, {
    ...PARTITION_QUERY,
    limit: 4,
  });
  assert.equal(JSON.parse(second.text), {
    data: ids.slice(4).map(point),
    meta: { pagination: { page_size: 4 } },
  });
});

query('other metrics, groupings and bad tokens get the Metrics API 400', async ({ sim }) => {
  const other = await send(sim, 'POST', '/v2/metrics/cloud/query', {
    ...PARTITION_QUERY,
    group_by: ['metric.topic'],
  });
  assert.equal(
    [other.status, other.text],
    [
      400,
      '{"errors":[{"status":"400","detail":"Unsupported group_by [\\"metric.topic\\"]: the simulator answers only io.confluent.kafka.server/partition_count grouped by resource.kafka.id"}]}',
    ],
  );
  const token = await send(sim, 'POST', '/v2/metrics/cloud/query?page_token=nope', PARTITION_QUERY);
  assert.equal([token.status, JSON.parse(token.text).errors[0].detail], [400, 'Invalid page token']);
  assert.is((await send(sim, 'POST', '/v2/metrics/other/query', PARTITION_QUERY)).status, 404);
  assert.is((await send(sim, 'GET', '/v2/metrics/cloud/query')).status, 405);
});

query('queries count against the per-IP limit', async (ctx) => {
  const { sim } = ctx;
  sim.setConfig({ metricsLimits: '2025' });
  ctx.now = START + 600_000;
  for (let i = 0; i < 60; i++) await send(sim, 'POST', '/v2/metrics/cloud/query', PARTITION_QUERY);
  const refused = await send(sim, 'POST', '/v2/metrics/cloud/query', PARTITION_QUERY);
  assert.equal([refused.status, refused.text], [429, PER_IP_BODY]);
});

query.run();

// ---------------------------------------------------------------------------------------------------------------
const timeScale = suite('time scale');

timeScale('at time scale 1200 a simulated hour lasts 3 s: a spent budget comes back within it', async () => {
  const sim = await startSimulator({ seed: 7, port: 0, metricsLimits: '2026', timeScale: 1200 });
  try {
    const path = exportOf(sim.org.environments[0]!.kafkaClusters[0]!.id);
    const deadline = Date.now() + 9000;
    let refused: Awaited<ReturnType<typeof get>> | undefined;
    // 160 exports spend the hour (a window may roll over once on the way)
    while (!refused && Date.now() < deadline) {
      const r = await get(sim, path);
      if (r.status === 429) refused = r;
    }
    assert.ok(refused, 'the budget ran out');
    assert.match(refused.text, 'Too many requests have been made for the following resources: kafka.id:');
    const reset = Number(refused.headers.get('ratelimit-reset')?.split(', ')[1]);
    assert.ok(reset >= 1 && reset <= 3, `rateLimit-reset ${reset}`);
    let status = 429;
    while (status === 429 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await get(sim, path)).status;
    }
    assert.is(status, 200, 'the next simulated hour came within the deadline');
    assert.is(sim.stats().metricsApi.rateLimitedPerIp, 0);
  } finally {
    await sim.close();
  }
});

timeScale.run();
