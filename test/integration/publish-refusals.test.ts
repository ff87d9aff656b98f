/**
 * What a permanent refusal of one listing does to a publish run (docs/output.md "When a listing is refused"): the
 * run publishes without the refused resources and says so in the manifest's `discovery` field and the dry-run
 * summary; a drop larger than SD_MAX_SHRINK is refused by the shrink guard (exit 3), nothing published.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS } from '../../src/bucket/keys.js';
import type { Manifest } from '../../src/bucket/manifest.js';
import { publishCommand } from '../../src/publish/command.js';
import { countResources } from '../../src/simulator/org.js';
import { type PublishStack, startPublishStack } from '../helpers/publish-stack.js';
import { runCommand } from '../helpers/run-command.js';
import { readJson } from '../helpers/store-state.js';

const test = suite<{ ctx: PublishStack; first?: Manifest }>('publish: refused listings');
test.before(async (s) => {
  s.ctx = await startPublishStack('file', {
    sim: { seed: 9, environments: 3, kafkaPerEnv: 2, connectorsPerCluster: 2 },
    env: { SD_API_RETRIES: '1' },
  });
});
test.after(async (s) => {
  await s.ctx.cleanup();
});

const publish = (s: { ctx: PublishStack }, ...argv: string[]) => runCommand(publishCommand, argv, s.ctx.env);

test('a first run with nothing refused has an empty discovery report', async (s) => {
  const run = await publish(s);
  assert.is(run.code, 0, run.stderr);
  s.first = await readJson<Manifest>(s.ctx.store, KEYS.latestManifest);
  assert.equal(s.first.discovery, {
    types: ['kafka', 'schema_registry', 'ksql', 'compute_pool', 'connector', 'custom_connector'],
    typesFrom: 'metrics-api',
    skippedTypes: [],
    refused: [],
    gone: [],
    invalid: [],
    invalidTotal: 0,
  });
});

test('Schema Registry refused everywhere: published without them, the manifest says which', async (s) => {
  const { sim } = s.ctx;
  sim.setConfig({ schemaRegistryUnavailable: true });
  try {
    const run = await publish(s);
    assert.is(run.code, 0, run.stderr);
    const m = await readJson<Manifest>(s.ctx.store, KEYS.latestManifest);
    assert.is.not(m.runId, s.first?.runId);
    const counts = countResources(sim.org);
    assert.is(m.resources.total, counts.total - counts.byType.schema_registry);
    assert.equal(
      m.discovery?.refused.map((o) => [o.listing, o.status]),
      sim.org.environments.map(() => ['schema_registry', 403]),
    );
    assert.match(m.discovery?.refused[0]?.reason ?? '', /not available in Confluent Cloud for Government/);
    const dry = await publish(s, '--dry-run');
    assert.is(dry.code, 0, dry.stderr);
    assert.match(dry.stdout, /^REFUSED listings \(HTTP 403\), their resources left out: 3$/m);
    assert.match(
      dry.stdout,
      /^ {2}schema_registry in env-[a-z0-9]+: server returned HTTP 403 \(This service/m,
    );
  } finally {
    sim.setConfig({ schemaRegistryUnavailable: false });
  }
});

test('two of three environments refused: the shrink guard refuses the drop, nothing published', async (s) => {
  const { sim } = s.ctx;
  const before = await readJson<Manifest>(s.ctx.store, KEYS.latestManifest);
  sim.setConfig({ forbiddenEnvironments: sim.org.environments.slice(0, 2).map((e) => e.id) });
  try {
    const run = await publish(s);
    assert.is(run.code, 3, run.stderr);
    assert.match(run.stderr, /GUARD_SHRINK: resources dropped from \d+ to \d+/);
    const after = await readJson<Manifest>(s.ctx.store, KEYS.latestManifest);
    assert.is(after.runId, before.runId, 'latest/ unchanged');
  } finally {
    sim.setConfig({ forbiddenEnvironments: [] });
  }
});

test.run();
