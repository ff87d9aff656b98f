/**
 * The scrape plan end to end with the real Prometheus: the simulator enforces the Metrics API's 2026 limits at 60×
 * speed (one simulated minute per second, Prometheus scrapes every second), the organisation has more resources
 * than one Prometheus may scrape one by one per minute. With the default plan every resource's series arrive and
 * the simulator counts no 429 and no truncated response over several simulated minutes; the same stack re-published
 * with SD_GROUP_BY=resource gets 429s, so the limits bite. Without a prometheus binary it is skipped loudly.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { CLOUD_JOB } from '../helpers/e2e-prometheus-config.js';
import { createE2eStack, type E2eStack } from '../helpers/e2e-stack.js';
import { useE2eStack } from '../helpers/e2e-suite.js';
import { eventually } from '../helpers/poll.js';
import { findPrometheus } from '../helpers/prometheus-process.js';
import { listSimResources } from '../helpers/sim-resources.js';

const DEADLINE_MS = 40_000;
/** Simulated minutes (real seconds) the budget is watched for. */
const WATCH_SECONDS = 8;

/** The metric names of each type and the label the export puts the id in. */
const PER_TYPE = [
  ['kafka', 'confluent_kafka_server_.+', 'kafka_id'],
  ['connector', 'confluent_kafka_connect_.+', 'connector_id'],
  ['custom_connector', 'confluent_kafka_connect_.+', 'custom_connector_id'],
  ['ksql', 'confluent_kafka_ksql_.+', 'ksql_id'],
  ['schema_registry', 'confluent_kafka_schema_registry_.+', 'schema_registry_id'],
  ['compute_pool', 'confluent_flink_.+', 'compute_pool_id'],
] as const;

type Ctx = E2eStack;

const version = await findPrometheus();
const handle = createE2eStack(
  {
    seed: 5,
    environments: 10,
    kafkaPerEnv: 4,
    connectorsPerCluster: 8,
    metricsLimits: '2026',
    timeScale: 60,
  },
  { SD_SCRAPE_INTERVAL: '1m', SD_SCRAPERS: '1' },
);
const test = suite<Ctx>('e2e: scrape plan under the Metrics API limits', {} as Ctx);
const NAMES = [
  'the organisation is larger than one group per resource allows',
  'with the plan, every resource of every type is exported by Prometheus',
  'with the plan, no 429 and no truncated response over several simulated minutes',
  'the info join gives every Kafka series its cluster name',
  'the same stack with SD_GROUP_BY=resource gets 429s (the limits bite)',
];

function expectedIds(sim: RunningSimulator): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of listSimResources(sim.org)) out[r.type] = [...(out[r.type] ?? []), r.id];
  for (const ids of Object.values(out)) ids.sort();
  return out;
}

async function exportedIds(ctx: Ctx): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [type, metric, label] of PER_TYPE) {
    // managed and custom connectors export the same metrics, under their own id label
    const series = await ctx.prom.query(
      `count by (${label}) ({__name__=~"${metric}",job="${CLOUD_JOB}",${label}!=""})`,
    );
    out[type] = series.map((s) => s.metric[label] ?? '').sort();
  }
  return out;
}

function metricsApi(sim: RunningSimulator) {
  return sim.stats().metricsApi;
}

if (useE2eStack(test, handle, version, 'the scrape plan end-to-end test', NAMES)) {
  test(NAMES[0]!, async (ctx) => {
    const resources = listSimResources(ctx.sim.org).length;
    // 2026: 300 requests per minute per IP, 240 with the margin
    assert.ok(resources > 300, `${resources} resources`);
    const targets = await eventually(
      async () => {
        const t = await ctx.prom.activeTargets(CLOUD_JOB);
        assert.ok(t.length > 0);
        return t;
      },
      { timeoutMs: DEADLINE_MS },
    );
    assert.ok(targets.length < 240, `${targets.length} targets`);
  });

  test(NAMES[1]!, async (ctx) => {
    const want = expectedIds(ctx.sim);
    await eventually(async () => assert.equal(await exportedIds(ctx), want), { timeoutMs: DEADLINE_MS });
  });

  test(NAMES[2]!, async (ctx) => {
    ctx.sim.resetStats();
    await new Promise((r) => setTimeout(r, WATCH_SECONDS * 1000));
    const stats = metricsApi(ctx.sim);
    assert.ok(stats.requestsPerMinute.peak > 0, JSON.stringify(stats.requestsPerMinute));
    assert.equal(
      [stats.rateLimitedPerIp, stats.rateLimitedPerResource, stats.truncatedResponses],
      [0, 0, 0],
      JSON.stringify(stats),
    );
  });

  test(NAMES[3]!, async (ctx) => {
    const names = new Map(
      listSimResources(ctx.sim.org)
        .filter((r) => r.type === 'kafka')
        .map((r) => [r.id, r.environment.kafkaClusters.find((c) => c.id === r.id)?.displayName]),
    );
    const series = `confluent_kafka_server_partition_count{job="${CLOUD_JOB}"}`;
    const joined = `${series} * on(kafka_id) group_left(confluent_cluster_name) confluent_resource_info{confluent_resource_type="kafka"}`;
    await eventually(
      async () => {
        const rows = await ctx.prom.query(joined);
        const got = new Map(rows.map((r) => [r.metric.kafka_id ?? '', r.metric.confluent_cluster_name]));
        assert.equal([...got.entries()].sort(), [...names.entries()].sort());
        assert.is(rows.length, (await ctx.prom.query(series)).length);
      },
      { timeoutMs: DEADLINE_MS },
    );
  });

  test(NAMES[4]!, async (ctx) => {
    const run = await ctx.publish({ SD_GROUP_BY: 'resource' });
    assert.is(run.code, 0, run.stderr);
    const resources = listSimResources(ctx.sim.org).length;
    await eventually(async () => assert.is((await ctx.prom.activeTargets(CLOUD_JOB)).length, resources), {
      timeoutMs: DEADLINE_MS,
    });
    ctx.sim.resetStats();
    await new Promise((r) => setTimeout(r, 4000));
    const stats = metricsApi(ctx.sim);
    assert.ok(stats.rateLimitedPerIp > 0, JSON.stringify(stats));
  });
}

test.run();
