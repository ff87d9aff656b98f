/**
 * The serve-time selection end to end: a real Prometheus whose http_sd URL is
 * `/discovery?targets=…&prefix=confluent_&env=<one environment>` gets exactly that environment's resources as
 * targets and scrapes exactly their series, first with one group per resource, then with the scrape plan packing
 * resources of every environment into shared groups (which the selection trims). Skipped loudly without prometheus.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { CLOUD_JOB } from '../helpers/e2e-prometheus-config.js';
import { createE2eStack, type E2eStack } from '../helpers/e2e-stack.js';
import { useE2eStack } from '../helpers/e2e-suite.js';
import { eventually } from '../helpers/poll.js';
import { type ActiveTarget, findPrometheus } from '../helpers/prometheus-process.js';
import { listSimResources, resourceKey } from '../helpers/sim-resources.js';

const DEADLINE_MS = 40_000;
const PARAM_RE = /^__param_resource_([a-z_]+)_id$/;

type Ctx = E2eStack;

/** The environment the http_sd URL selects: the second of the organisation. */
function selectedEnv(sim: RunningSimulator): string {
  const env = sim.org.environments[1];
  if (!env) throw new Error('the simulated organisation has fewer than two environments');
  return env.id;
}

const version = await findPrometheus();
const handle = createE2eStack(
  { seed: 13, environments: 3, kafkaPerEnv: 2, connectorsPerCluster: 1 },
  {},
  {
    sdPath: (sim) => `/discovery?targets=127.0.0.1:${sim.port}&prefix=confluent_&env=${selectedEnv(sim)}`,
  },
);
const test = suite<Ctx>('e2e: /discovery selection with the real Prometheus', {} as Ctx);
const NAMES = [
  'env= gives exactly the resources of that environment as targets, each scraped',
  'packed by the plan, env= still gives exactly that environment’s resources, and only their series',
];

/** type:id of every resource the targets name in their scrape parameters. */
function targetIds(targets: readonly ActiveTarget[]): string[] {
  return targets
    .flatMap((t) =>
      Object.entries(t.discoveredLabels).flatMap(([name, value]) => {
        const type = PARAM_RE.exec(name)?.[1];
        return type === undefined ? [] : value.split(',').map((id) => resourceKey({ type, id }));
      }),
    )
    .sort();
}

function expectedIds(sim: RunningSimulator): string[] {
  const env = selectedEnv(sim);
  return listSimResources(sim.org)
    .filter((r) => r.environment.id === env)
    .map(resourceKey)
    .sort();
}

async function exportedKafkaIds(ctx: Ctx): Promise<string[]> {
  const series = await ctx.prom.query(
    `count by (kafka_id) ({__name__=~"confluent_kafka_server_.+",job="${CLOUD_JOB}",kafka_id!=""})`,
  );
  return series.map((s) => s.metric.kafka_id ?? '').sort();
}

function expectedKafkaIds(sim: RunningSimulator): string[] {
  return expectedIds(sim)
    .filter((k) => k.startsWith('kafka:'))
    .map((k) => k.slice('kafka:'.length));
}

if (useE2eStack(test, handle, version, 'the selection end-to-end test', NAMES)) {
  test(NAMES[0]!, async (ctx) => {
    const want = expectedIds(ctx.sim);
    assert.ok(want.length > 0 && want.length < listSimResources(ctx.sim.org).length, want.join());
    await eventually(
      async () => {
        const targets = await ctx.prom.activeTargets(CLOUD_JOB);
        assert.equal(targetIds(targets), want);
        assert.is(targets.length, want.length);
        assert.ok(
          targets.every((t) => t.health === 'up'),
          targets.map((t) => t.lastError).join(),
        );
        assert.ok(targets.every((t) => t.labels.confluent_environment_id === selectedEnv(ctx.sim)));
      },
      { timeoutMs: DEADLINE_MS },
    );
    await eventually(async () => assert.equal(await exportedKafkaIds(ctx), expectedKafkaIds(ctx.sim)), {
      timeoutMs: DEADLINE_MS,
    });
  });

  test(NAMES[1]!, async (ctx) => {
    // 6 requests a minute for the whole organisation: the plan packs resources of every environment together
    const run = await ctx.publish({ SD_SCRAPE_BUDGET: '6' });
    assert.is(run.code, 0, run.stderr);
    const want = expectedIds(ctx.sim);
    await eventually(
      async () => {
        const targets = await ctx.prom.activeTargets(CLOUD_JOB);
        assert.ok(targets.length < want.length, `${targets.length} targets for ${want.length} resources`);
        assert.ok(targets.every((t) => t.labels.instance?.startsWith('plan-')));
        assert.equal(targetIds(targets), want);
        assert.ok(
          targets.every((t) => t.health === 'up'),
          targets.map((t) => t.lastError).join(),
        );
      },
      { timeoutMs: DEADLINE_MS },
    );
    await eventually(async () => assert.equal(await exportedKafkaIds(ctx), expectedKafkaIds(ctx.sim)), {
      timeoutMs: DEADLINE_MS,
    });
  });
}

test.run();
