/**
 * The simulator's several organisations (`--organizations`): the key picks the organisation, for the control
 * plane, the Metrics API and the admin API alike; a key of one never sees the other's resources.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSimulateFlags } from '../../src/simulator/command.js';
import { startSimulator } from '../../src/simulator/server.js';

function basic(key: string, secret: string) {
  return { authorization: `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}` };
}

async function get(url: string, headers: Record<string, string>) {
  const res = await fetch(url, { headers });
  return { status: res.status, body: (await res.json()) as any };
}

test('each key lists its own organisation, and the admin API changes only that one', async () => {
  const sim = await startSimulator({ seed: 5, organizations: 2, environments: 2 });
  try {
    assert.equal(
      sim.organizations.map((o) => [o.apiKey, o.apiSecret, o.org.seed]),
      [
        ['sim-key', 'sim-secret', 5],
        ['sim-key-2', 'sim-secret-2', 6],
      ],
    );
    const [one, two] = sim.organizations;
    const envsOf = async (h: Record<string, string>) =>
      (await get(`${sim.url}/org/v2/environments`, h)).body.data.map((e: any) => e.id);
    const a = await envsOf(basic('sim-key', 'sim-secret'));
    const b = await envsOf(basic('sim-key-2', 'sim-secret-2'));
    assert.equal(
      a,
      one!.org.environments.map((e) => e.id),
    );
    assert.equal(
      b,
      two!.org.environments.map((e) => e.id),
    );
    assert.equal(
      a.filter((id: string) => b.includes(id)),
      [],
    );
    // another organisation's environment is unknown to this key
    const other = await get(`${sim.url}/cmk/v2/clusters?environment=${b[0]}`, basic('sim-key', 'sim-secret'));
    assert.equal(other.status, 403);
    // a key with the other organisation's secret is no key at all
    assert.equal((await get(`${sim.url}/org/v2/environments`, basic('sim-key', 'sim-secret-2'))).status, 401);
    const added = await fetch(`${sim.url}/_sim/environments`, {
      method: 'POST',
      headers: { ...basic('sim-key-2', 'sim-secret-2'), 'content-type': 'application/json' },
      body: JSON.stringify({ display_name: 'team-b' }),
    });
    assert.is(added.status, 201);
    assert.equal((await envsOf(basic('sim-key', 'sim-secret'))).length, 2);
    assert.equal((await envsOf(basic('sim-key-2', 'sim-secret-2'))).length, 3);
  } finally {
    await sim.close();
  }
});

test("the Metrics API exports only the key's own organisation", async () => {
  const sim = await startSimulator({ seed: 5, organizations: 2, environments: 1 });
  try {
    const lkc = sim.organizations[1]!.org.environments[0]!.kafkaClusters[0]!.id;
    const exportOf = async (h: Record<string, string>) => {
      const res = await fetch(`${sim.url}/v2/metrics/cloud/export?resource.kafka.id=${lkc}`, { headers: h });
      return { status: res.status, text: await res.text() };
    };
    const own = await exportOf(basic('sim-key-2', 'sim-secret-2'));
    const foreign = await exportOf(basic('sim-key', 'sim-secret'));
    assert.is(own.status, 200);
    assert.ok(own.text.includes(`confluent_kafka_server_received_bytes{kafka_id="${lkc}"`));
    // to the other key the id is one it may not see, as an id of no organisation is
    const series = foreign.text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    assert.equal(
      series.map((l) => l.replace(/ \d+$/, '')),
      [`confluent_scrape_resource_access_error{resource_id="${lkc}",resource_type="resource.kafka.id"} 1`],
    );
  } finally {
    await sim.close();
  }
});

test('--organizations is a whole number from 1 to 100', () => {
  assert.is(parseSimulateFlags(['--organizations', '3']).organizations, 3);
  assert.throws(
    () => parseSimulateFlags(['--organizations', '0']),
    /--organizations must be an integer from 1 to 100/,
  );
});

test.run();
