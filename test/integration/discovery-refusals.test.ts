/**
 * Permanent refusals of one listing, against the simulator (reference §12): the Schema Registry list refused for
 * the whole organisation (Confluent Cloud for Government), one environment refused, a Kafka cluster and an
 * environment deleted between two listings. Each lists nothing there, is one warning and one report entry, and the
 * run goes on; a transient failure still fails the whole discovery (stale beats partial).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { discoverInventory } from '../../src/discovery/discover.js';
import { isAppError } from '../../src/errors.js';
import { countResources } from '../../src/simulator/org.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { listPage, startScriptedServer } from '../helpers/scripted-server.js';
import { appErrorOf, createTestClient } from '../helpers/test-client.js';

const REFUSED = 'listing refused, its resources are left out of this snapshot';
const GONE = 'listed resource deleted since, nothing to list in it';
const GOVERNMENT =
  'server returned HTTP 403 (This service is not available in Confluent Cloud for Government. If you think this is incorrect, contact support@confluent.io)';
const FORBIDDEN = 'server returned HTTP 403 (user_unauthorized: Forbidden Access)';

const test = suite<{ sim: RunningSimulator }>('discovery: permanent refusals', {
  sim: undefined as unknown as RunningSimulator,
});
test.before(async (ctx) => {
  ctx.sim = await startSimulator({ seed: 5, port: 0, environments: 3 });
});
test.after(async (ctx) => {
  await ctx.sim.close();
});

async function discover(sim: RunningSimulator) {
  const { client, captured } = createTestClient(sim.url, { apiKey: 'sim-key', apiSecret: 'sim-secret' });
  const inventory = await discoverInventory({ client, log: captured.log });
  const warned = (msg: string) => captured.entries().filter((e) => e.msg === msg && e.level === 'warn');
  return { inventory, warned, text: captured.text() };
}

test('Schema Registry refused for the whole organisation: no registry, every environment reported', async ({
  sim,
}) => {
  sim.setConfig({ schemaRegistryUnavailable: true });
  try {
    const { inventory, warned, text } = await discover(sim);
    const counts = countResources(sim.org);
    assert.is(inventory.resources.length, counts.total - counts.byType.schema_registry);
    assert.not.ok(inventory.resources.some((r) => r.type === 'schema_registry'));
    const refused = sim.org.environments
      .map((e) => ({ listing: 'schema_registry', environmentId: e.id, status: 403, reason: GOVERNMENT }))
      .sort((a, b) => (a.environmentId < b.environmentId ? -1 : 1));
    assert.equal(inventory.report?.refused, refused);
    assert.is(warned(REFUSED).length, sim.org.environments.length);
    assert.not.match(text, 'EnvironmentAdmin');
  } finally {
    sim.setConfig({ schemaRegistryUnavailable: false });
  }
});

test('one environment refused: its resources left out, the others published', async ({ sim }) => {
  const [refusedEnv, ...others] = sim.org.environments;
  sim.setConfig({ forbiddenEnvironments: [refusedEnv!.id] });
  try {
    const { inventory, warned, text } = await discover(sim);
    assert.not.ok(inventory.resources.some((r) => r.environmentId === refusedEnv!.id));
    for (const env of others)
      assert.ok(inventory.resources.some((r) => r.environmentId === env.id && r.type === 'kafka'));
    assert.equal(
      inventory.report?.refused.map((o) => [o.listing, o.environmentId, o.status, o.reason]),
      ['kafka', 'schema_registry', 'ksql', 'compute_pool'].map((t) => [t, refusedEnv!.id, 403, FORBIDDEN]),
    );
    assert.is(warned(REFUSED).length, 4);
    assert.not.match(text, 'EnvironmentAdmin');
  } finally {
    sim.setConfig({ forbiddenEnvironments: [] });
  }
});

test('a Kafka cluster deleted between its listing and its connectors: Connect 404, no connectors', async ({
  sim,
}) => {
  const env = sim.org.environments[1]!;
  const cluster = env.kafkaClusters[0]!;
  const lost = [...cluster.connectors, ...cluster.customConnectors].map((c) => c.id);
  assert.ok(lost.length > 0);
  sim.setConfig({ deleteAfterListing: [cluster.id] });
  const { inventory, warned } = await discover(sim);
  assert.ok(
    inventory.resources.some((r) => r.id === cluster.id),
    'the cluster was listed before it went',
  );
  assert.not.ok(inventory.resources.some((r) => lost.includes(r.id)));
  assert.equal(inventory.report?.gone, [
    {
      listing: 'connector',
      environmentId: env.id,
      kafkaClusterId: cluster.id,
      status: 404,
      reason: 'server returned HTTP 404 (account not found)',
    },
  ]);
  assert.is(warned(GONE).length, 1);
  assert.equal(sim.config().deleteAfterListing, [], 'deleted once');
  assert.is(sim.store.find(cluster.id), undefined);
});

test('an environment deleted after the environment list: its listings are refused, the run goes on', async ({
  sim,
}) => {
  const env = sim.org.environments[2]!;
  sim.setConfig({ deleteAfterListing: [env.id] });
  const { inventory } = await discover(sim);
  assert.not.ok(inventory.resources.some((r) => r.environmentId === env.id));
  assert.ok(inventory.resources.length > 0);
  assert.equal(
    inventory.report?.refused.map((o) => [o.listing, o.environmentId]),
    ['kafka', 'schema_registry', 'ksql', 'compute_pool'].map((t) => [t, env.id]),
  );
});

test.run();

/** The other Connect 404 body and a transient failure, from a scripted server. */
const scripted = suite('discovery: refusals against a scripted server');

function org(connectors: { status: number; body: unknown }) {
  return (path: string) => {
    if (path.endsWith('/descriptors/resources') && path.includes('/cloud/'))
      return { body: { data: [{ type: 'kafka' }, { type: 'connector' }], meta: {} } };
    if (path === '/org/v2/environments') return { body: listPage([{ id: 'env-1' }]) };
    if (path === '/cmk/v2/clusters') return { body: listPage([{ id: 'lkc-1' }]) };
    if (path.startsWith('/connect/')) return connectors;
    if (path.endsWith('/clusters') || path.endsWith('/compute-pools')) return { body: listPage([]) };
    return { status: 404, body: { errors: [{ status: '404', detail: 'Not Found' }] } };
  };
}

scripted('Connect 404 as {"error_code":404,"message":…}: the cluster has no connectors', async () => {
  const server = await startScriptedServer((req) =>
    org({ status: 404, body: { error_code: 404, message: 'resource not found' } })(req.path),
  );
  try {
    const { client, captured } = createTestClient(server.url, { retries: 0 });
    const inventory = await discoverInventory({ client, log: captured.log });
    assert.equal(
      inventory.resources.map((r) => r.id),
      ['lkc-1'],
    );
    assert.equal(
      inventory.report?.gone.map((o) => [o.listing, o.environmentId, o.kafkaClusterId, o.status]),
      [['connector', 'env-1', 'lkc-1', 404]],
    );
  } finally {
    await server.close();
  }
});

scripted('a 503 that outlasts the retries still fails the whole discovery', async () => {
  const server = await startScriptedServer((req) =>
    org({ status: 503, body: { error: { code: 503, message: 'unavailable' } } })(req.path),
  );
  try {
    const { client, captured } = createTestClient(server.url, { retries: 1 });
    const err = await appErrorOf(discoverInventory({ client, log: captured.log }));
    assert.ok(isAppError(err, 'API_UNAVAILABLE'), err.message);
  } finally {
    await server.close();
  }
});

scripted.run();
