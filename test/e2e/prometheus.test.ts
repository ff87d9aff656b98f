/**
 * End to end with the real Prometheus: simulator → publish → server → Prometheus (configured from the shipped
 * k8s/prometheus/prometheus.yml, pointed at loopback), asserted through Prometheus's HTTP API. Proves that the
 * targets are the organisation's resources, that the scrapes reach /export with the right parameter and that the
 * series carry our labels; that a publish after a change adds and removes targets; and that Prometheus keeps the
 * last targets while the server refuses it. Without a prometheus binary it is skipped loudly (fails when CI=true).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { RESOURCE_TYPES } from '../../src/discovery/resource.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { CLOUD_JOB, SERVER_JOB } from '../helpers/e2e-prometheus-config.js';
import { createE2eStack, type E2eStack } from '../helpers/e2e-stack.js';
import { useE2eStack } from '../helpers/e2e-suite.js';
import { eventually } from '../helpers/poll.js';
import { type ActiveTarget, findPrometheus } from '../helpers/prometheus-process.js';
import { createSimAdmin } from '../helpers/sim-admin.js';
import { listSimResources, resourceKey } from '../helpers/sim-resources.js';

const ROTATED_TOKEN = 'e2e-rotated-token-9876543210';
const EXPORT_PATH = '/v2/metrics/cloud/export';
/** Custom connectors are exported from their own dataset. */
const CUSTOM_EXPORT_PATH = '/v2/metrics/cloud-custom/export';
/** Targets are listed about 5 s after start and after a change (Prometheus's discovery throttle); ample margin. */
const TARGETS_DEADLINE_MS = 40_000;

type Ctx = E2eStack;

const version = await findPrometheus();
const handle = createE2eStack({ seed: 11, environments: 2, kafkaPerEnv: 2, connectorsPerCluster: 1 });
const test = suite<Ctx>('e2e: real Prometheus', {} as Ctx);
const NAMES = [
  'every simulator resource is one target, up, scraped at /export with its resource parameter',
  'the scraped series carry the confluent_ labels of their resource',
  "the confluent-sd job scrapes the server's /metrics",
  'after a change and a publish, the new cluster is a target and the removed connector is not',
  'while the server answers 401, Prometheus keeps the last targets and keeps scraping them',
];

/** What a target says about itself, in the shape the expected list is built in. */
function describeTarget(t: ActiveTarget) {
  const url = new URL(t.scrapeUrl);
  const params = [...url.searchParams.keys()];
  const type = /^resource_([a-z_]+)_id$/.exec(params[0] ?? '')?.[1] ?? `(params: ${params.join(',')})`;
  const id = url.searchParams.get(params[0] ?? '') ?? '';
  return {
    key: resourceKey({ type, id }),
    params: params.length,
    address: url.host,
    path: url.pathname,
    discoveredParam: t.discoveredLabels[`__param_resource_${type}_id`],
    instance: t.labels.instance,
    resourceLabel: `${t.labels.confluent_resource_type}:${t.labels.confluent_resource_id}`,
    health: t.health,
    lastError: t.lastError,
  };
}

function expectedTargets(sim: RunningSimulator) {
  return listSimResources(sim.org).map((r) => ({
    key: resourceKey(r),
    params: 1,
    address: `127.0.0.1:${sim.port}`,
    path: r.type === 'custom_connector' ? CUSTOM_EXPORT_PATH : EXPORT_PATH,
    discoveredParam: r.id,
    instance: r.id,
    resourceLabel: resourceKey(r),
    health: 'up',
    lastError: '',
  }));
}

function describeTargets(targets: ActiveTarget[]) {
  return targets.map(describeTarget).sort((a, b) => (a.key < b.key ? -1 : 1));
}

async function cloudTargets(ctx: Ctx) {
  return describeTargets(await ctx.prom.activeTargets(CLOUD_JOB));
}

async function assertTargetsMatchOrg(ctx: Ctx): Promise<void> {
  await eventually(async () => assert.equal(await cloudTargets(ctx), expectedTargets(ctx.sim)), {
    timeoutMs: TARGETS_DEADLINE_MS,
  });
}

async function publish(ctx: Ctx): Promise<void> {
  const run = await ctx.publish();
  assert.is(run.code, 0, run.stderr);
}

if (useE2eStack(test, handle, version, 'the end-to-end test with a real Prometheus', NAMES)) {
  test(NAMES[0]!, async (ctx) => {
    const types = new Set(listSimResources(ctx.sim.org).map((r) => r.type));
    assert.equal([...types].sort(), [...RESOURCE_TYPES].sort(), 'the organisation has every resource type');
    await assertTargetsMatchOrg(ctx);
  });

  test(NAMES[1]!, async (ctx) => {
    const kafka = listSimResources(ctx.sim.org).filter((r) => r.type === 'kafka');
    const expected = kafka.map((r) => {
      const cluster = r.environment.kafkaClusters.find((c) => c.id === r.id)!;
      return {
        __name__: 'confluent_kafka_server_received_bytes',
        job: CLOUD_JOB,
        instance: r.id,
        kafka_id: r.id,
        confluent_cloud_provider: cluster.cloud.toLowerCase(),
        confluent_cluster_name: cluster.displayName,
        confluent_environment_id: r.environment.id,
        confluent_environment_name: r.environment.displayName,
        confluent_region: cluster.region,
        confluent_resource_id: r.id,
        confluent_resource_type: 'kafka',
      };
    });
    await eventually(
      async () => {
        const series = await ctx.prom.query('confluent_kafka_server_received_bytes');
        // one series per topic; the topic is the simulator's business, the rest is ours
        const byInstance = new Map(
          series.map(({ metric: { topic: _topic, ...rest } }) => [rest.instance, rest] as const),
        );
        assert.equal(
          [...byInstance.values()].sort((a, b) => (a.instance! < b.instance! ? -1 : 1)),
          expected,
        );
      },
      { timeoutMs: TARGETS_DEADLINE_MS },
    );
    // every resource type: the per-resource access series reached Prometheus with its environment's name
    const all = listSimResources(ctx.sim.org);
    const access = await ctx.prom.query('confluent_scrape_resource_access_error');
    assert.equal(
      access
        .map((s) => `${s.metric.resource_id}|${s.metric.confluent_environment_name}|${s.value[1]}`)
        .sort(),
      all.map((r) => `${r.id}|${r.environment.displayName}|0`).sort(),
    );
  });

  test(NAMES[2]!, async (ctx) => {
    await eventually(
      async () => {
        const [t] = await ctx.prom.activeTargets(SERVER_JOB);
        assert.equal({ health: t?.health, lastError: t?.lastError }, { health: 'up', lastError: '' });
        const loaded = await ctx.prom.query(`confluent_sd_documents_loaded{job="${SERVER_JOB}"}`);
        assert.equal(
          loaded.map((s) => s.value[1]),
          ['2'],
        );
      },
      { timeoutMs: TARGETS_DEADLINE_MS },
    );
  });

  test(NAMES[3]!, async (ctx) => {
    const sim = ctx.sim;
    const admin = createSimAdmin(sim.url);
    const env = sim.org.environments[0]!;
    const added = await admin.call<{ id: string }>('POST', '/_sim/kafka-clusters', {
      environment: env.id,
      display_name: 'e2e-added',
    });
    const removed = env.kafkaClusters[0]!.connectors[0]!.id;
    await admin.call('DELETE', `/_sim/resources/${removed}`);
    const keys = listSimResources(sim.org).map(resourceKey);
    assert.ok(keys.includes(`kafka:${added.id}`));
    assert.not.ok(keys.includes(`connector:${removed}`));
    await publish(ctx);
    await assertTargetsMatchOrg(ctx);
    const series = await eventually(
      async () => {
        const s = await ctx.prom.query(`confluent_kafka_server_received_bytes{instance="${added.id}"}`);
        assert.ok(s.length > 0, `no series for ${added.id}`);
        return s;
      },
      { timeoutMs: TARGETS_DEADLINE_MS },
    );
    assert.equal([...new Set(series.map((s) => s.metric.confluent_cluster_name))], ['e2e-added']);
  });

  test(NAMES[4]!, async (ctx) => {
    const { prom } = ctx;
    const expected = expectedTargets(ctx.sim);
    assert.equal(await cloudTargets(ctx), expected);
    const failuresBefore = await prom.selfMetric('prometheus_sd_http_failures_total');
    // the server now accepts only the new token; Prometheus's credentials_file still holds the old one
    await ctx.setServerToken(ROTATED_TOKEN);
    const { failingSince, failures } = await eventually(
      async () => {
        const n = await prom.selfMetric('prometheus_sd_http_failures_total');
        assert.ok(n > failuresBefore, `prometheus_sd_http_failures_total still ${n}`);
        return { failingSince: Date.now(), failures: n };
      },
      { timeoutMs: 20_000 },
    );
    assert.match(prom.output(), 'server returned HTTP status 401 Unauthorized');
    // every target is scraped again after the refusals began, still up, and the refusals go on meanwhile
    await eventually(
      async () => {
        const targets = await prom.activeTargets(CLOUD_JOB);
        assert.equal(describeTargets(targets), expected);
        const stale = targets.filter((t) => Date.parse(t.lastScrape) <= failingSince);
        assert.equal(
          stale.map((t) => t.scrapeUrl),
          [],
        );
        assert.ok((await prom.selfMetric('prometheus_sd_http_failures_total')) > failures);
      },
      { timeoutMs: 20_000 },
    );
  });
}

test.run();
