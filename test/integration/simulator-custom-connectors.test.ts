/**
 * Custom connectors in the simulator, as the recorded responses show them (reference §12): listed by the same
 * Connect call as managed ones with `confluent.connector.type: CUSTOM` and a `clcc-` id, exported from the
 * `cloud-custom` dataset with `resource.custom_connector.id`, under the same limits machinery as `cloud`.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { countResources } from '../../src/simulator/org.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';

const AUTH = { authorization: `Basic ${Buffer.from('sim-key:sim-secret').toString('base64')}` };
const START = Date.UTC(2026, 10, 23, 10, 0, 0);

interface Ctx {
  sim: RunningSimulator;
  now: number;
}

async function get(sim: RunningSimulator, path: string) {
  const res = await fetch(`${sim.url}${path}`, { headers: AUTH });
  const text = await res.text();
  return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
}

const test = suite<Ctx>('simulator: custom connectors', {
  sim: undefined as unknown as RunningSimulator,
  now: START,
});
test.before(async (ctx) => {
  ctx.now = START;
  ctx.sim = await startSimulator({ seed: 7, port: 0, clock: () => ctx.now });
});
test.after(async (ctx) => {
  await ctx.sim.close();
});

function firstCustom(sim: RunningSimulator) {
  for (const env of sim.org.environments)
    for (const cluster of env.kafkaClusters)
      for (const c of cluster.customConnectors) return { env, cluster, c };
  throw new Error('no custom connector generated');
}

test('the default org has one custom connector per environment, on its first Kafka cluster', ({ sim }) => {
  for (const env of sim.org.environments) {
    assert.equal(
      env.kafkaClusters.map((k) => k.customConnectors.length),
      env.kafkaClusters.map((_, i) => (i === 0 ? 1 : 0)),
    );
    for (const k of env.kafkaClusters)
      for (const c of k.customConnectors) assert.match(c.id, /^clcc-[a-z0-9]{6}$/);
  }
  assert.is(countResources(sim.org).byType.custom_connector, sim.org.environments.length);
});

test('the Connect listing holds both kinds, a custom one marked CUSTOM with its plugin', async ({ sim }) => {
  const { env, cluster, c } = firstCustom(sim);
  const path = `/connect/v1/environments/${env.id}/clusters/${cluster.id}/connectors`;
  const names = (await get(sim, path)).json() as unknown as string[];
  assert.equal(
    names,
    [...cluster.connectors, ...cluster.customConnectors].map((x) => x.name),
  );
  const body = (await get(sim, `${path}?expand=id,info,status`)).json();
  const entry = body[c.name] as { id: unknown; info: { config: Record<string, string> } };
  assert.equal(entry.id, { id: c.id, id_type: 'ID' });
  assert.is(entry.info.config['confluent.connector.type'], 'CUSTOM');
  assert.match(entry.info.config['confluent.custom.plugin.id'] ?? '', /^ccp-[a-z0-9]{6}$/);
  const managed = body[cluster.connectors[0]!.name] as { info: { config: Record<string, string> } };
  assert.is(managed.info.config['confluent.connector.type'], undefined);
});

test('descriptors: cloud lists its five types, cloud-custom lists custom_connector', async ({ sim }) => {
  const types = async (dataset: string) =>
    ((await get(sim, `/v2/metrics/${dataset}/descriptors/resources`)).json().data as { type: string }[]).map(
      (d) => d.type,
    );
  assert.equal(await types('cloud'), ['kafka', 'connector', 'ksql', 'schema_registry', 'compute_pool']);
  assert.equal(await types('cloud-custom'), ['custom_connector']);
  const metrics = (await get(sim, '/v2/metrics/cloud-custom/descriptors/metrics')).json().data as {
    resources: string[];
  }[];
  assert.ok(metrics.length > 0 && metrics.every((m) => m.resources[0] === 'custom_connector'));
  const other = await get(sim, '/v2/metrics/usm/descriptors/resources');
  assert.is(other.status, 404);
});

test('export of cloud-custom: custom_connector_id series and an access-error series per id', async ({
  sim,
}) => {
  const { c } = firstCustom(sim);
  for (const param of ['resource.custom_connector.id', 'resource_custom_connector_id']) {
    const r = await get(sim, `/v2/metrics/cloud-custom/export?${param}=${c.id},clcc-nope00`);
    assert.is(r.status, 200);
    const series = r.text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    const metric = c.type === 'source' ? 'sent_records' : 'received_records';
    assert.ok(
      series.some((l) => l.startsWith(`confluent_kafka_connect_${metric}{custom_connector_id="${c.id}"}`)),
      r.text,
    );
    assert.ok(
      series.includes(
        `confluent_scrape_resource_access_error{resource_id="${c.id}",resource_type="resource.custom_connector.id"} 0 ${START - 60_000}`,
      ),
    );
    assert.ok(
      series.includes(
        `confluent_scrape_resource_access_error{resource_id="clcc-nope00",resource_type="resource.custom_connector.id"} 1 ${START - 60_000}`,
      ),
    );
  }
  // the cloud dataset does not export custom connectors, the cloud-custom one nothing else
  const cloud = await get(sim, `/v2/metrics/cloud/export?resource.custom_connector.id=${c.id}`);
  assert.is(cloud.status, 400);
  const kafka = sim.org.environments[0]!.kafkaClusters[0]!.id;
  assert.is((await get(sim, `/v2/metrics/cloud-custom/export?resource.kafka.id=${kafka}`)).status, 400);
});

test('the per-resource budget holds for cloud-custom exports too (2025: 80 an hour)', async (ctx) => {
  const { sim } = ctx;
  const { c } = firstCustom(sim);
  sim.setConfig({ metricsLimits: '2025' });
  try {
    const path = `/v2/metrics/cloud-custom/export?resource.custom_connector.id=${c.id}`;
    for (let i = 0; i < 80; i++) {
      ctx.now = START + Math.floor(i / 40) * 60_000; // 40 a minute, under the per-IP 60
      assert.is((await get(sim, path)).status, 200, `request ${i}`);
    }
    const refused = await get(sim, path);
    assert.equal(
      [refused.status, refused.json()],
      [
        429,
        {
          errors: [
            {
              status: '429',
              detail: `Too many requests have been made for the following resources: custom_connector.id:${c.id}. Please see the documentation for current rate limits.`,
            },
          ],
        },
      ],
    );
    assert.is(sim.stats().metricsApi.rateLimitedPerResource, 1);
  } finally {
    sim.setConfig({ metricsLimits: 'none' });
    ctx.now = START;
  }
});

test('the admin API creates a custom connector; deleting its cluster deletes it', async ({ sim }) => {
  const env = sim.org.environments[1]!;
  const cluster = env.kafkaClusters[1]!;
  const res = await fetch(`${sim.url}/_sim/connectors`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({
      environment: env.id,
      kafka_cluster: cluster.id,
      name: 'my-plugin-sink',
      custom: true,
    }),
  });
  const created = (await res.json()) as { id: string; name: string };
  assert.is(res.status, 201);
  assert.match(created.id, /^clcc-/);
  assert.equal(
    cluster.customConnectors.map((c) => c.id),
    [created.id],
  );
  const taken = await fetch(`${sim.url}/_sim/connectors`, {
    method: 'POST',
    headers: { ...AUTH, 'content-type': 'application/json' },
    body: JSON.stringify({ environment: env.id, kafka_cluster: cluster.id, name: 'my-plugin-sink' }),
  });
  assert.is(taken.status, 409, 'custom and managed connectors share the names of their cluster');
  const deleted = await fetch(`${sim.url}/_sim/resources/${cluster.id}`, { method: 'DELETE', headers: AUTH });
  assert.ok(((await deleted.json()) as { deleted: string[] }).deleted.includes(created.id));
  assert.is(sim.store.find(created.id), undefined);
});

test.run();
