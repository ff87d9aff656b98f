/**
 * Builders of simulated records, shared by the seeded generator and the admin API. Every draw, id and timestamp
 * comes from the context (generator-context.ts), so the generator stays pure and run-time additions stay unique.
 */

import type { GeneratorContext } from './generator-context.js';
import {
  CLOUD_WEIGHTS,
  CLUSTER_PURPOSES,
  type Cloud,
  CONNECTOR_PLUGINS,
  cloudOfRegion,
  DOMAINS,
  ENVIRONMENT_STAGES,
  FIRST_ENVIRONMENT_NAMES,
  KSQL_PURPOSES,
  POOL_PURPOSES,
  REGIONS,
  uniqueName,
} from './names.js';
import type {
  SimComputePool,
  SimConnector,
  SimEnvironment,
  SimKafkaCluster,
  SimKsqlCluster,
  SimSchemaRegistry,
} from './org.js';
import type { Random } from './random.js';

export interface Placement {
  cloud?: Cloud;
  region?: string;
}

function pickCloud(rand: Random): Cloud {
  let r = rand.next();
  for (const [cloud, weight] of CLOUD_WEIGHTS) {
    if (r < weight) return cloud;
    r -= weight;
  }
  return 'aws';
}

/** Where a new resource lives: as asked, else mostly where the environment's first Kafka cluster is. */
function place(
  ctx: GeneratorContext,
  env: SimEnvironment,
  wanted: Placement,
): { cloud: Cloud; region: string } {
  const cloud = wanted.cloud ?? (wanted.region ? cloudOfRegion(wanted.region) : undefined);
  if (cloud) return { cloud, region: wanted.region ?? ctx.rand.pick(REGIONS[cloud]) };
  const home = env.kafkaClusters[0];
  if (home && ctx.rand.chance(0.7)) return { cloud: home.cloud, region: home.region };
  const picked = pickCloud(ctx.rand);
  return { cloud: picked, region: ctx.rand.pick(REGIONS[picked]) };
}

function namedAfterDomain(
  ctx: GeneratorContext,
  purposes: readonly string[],
  taken: (n: string) => boolean,
): string {
  return uniqueName(`${ctx.rand.pick(DOMAINS)}-${ctx.rand.pick(purposes)}`, taken);
}

export function buildEnvironment(
  ctx: GeneratorContext,
  input: { index?: number; displayName?: string; taken: (name: string) => boolean },
): SimEnvironment {
  const id = ctx.newId('env');
  const first = input.index === undefined ? undefined : FIRST_ENVIRONMENT_NAMES[input.index];
  const displayName = input.displayName ?? first ?? namedAfterDomain(ctx, ENVIRONMENT_STAGES, input.taken);
  return {
    id,
    displayName,
    ...ctx.stamps(),
    kafkaClusters: [],
    ksqlClusters: [],
    computePools: [],
  };
}

const KAFKA_KINDS = ['Basic', 'Standard', 'Standard', 'Enterprise', 'Dedicated', 'Dedicated'] as const;

export function buildKafkaCluster(
  ctx: GeneratorContext,
  env: SimEnvironment,
  input: Placement & { displayName?: string },
): SimKafkaCluster {
  const id = ctx.newId('lkc');
  const displayName =
    input.displayName ??
    namedAfterDomain(ctx, CLUSTER_PURPOSES, (n) => env.kafkaClusters.some((c) => c.displayName === n));
  const { cloud, region } = place(ctx, env, input);
  const kind = ctx.rand.pick(KAFKA_KINDS);
  const availability = kind !== 'Basic' && ctx.rand.chance(0.6) ? 'MULTI_ZONE' : 'SINGLE_ZONE';
  const cluster: SimKafkaCluster = {
    id,
    displayName,
    cloud,
    region,
    kind,
    availability,
    endpointId: `pkc-${ctx.rand.alnum(5)}`,
    ...ctx.stamps(),
    connectors: [],
  };
  if (kind === 'Dedicated')
    cluster.cku = availability === 'MULTI_ZONE' ? ctx.rand.int(2, 6) : ctx.rand.int(1, 4);
  return cluster;
}

const CONNECTOR_STATES = [
  ...Array<'RUNNING'>(17).fill('RUNNING'),
  'FAILED',
  'PAUSED',
  'PROVISIONING',
] as const satisfies readonly SimConnector['state'][];

export function buildConnector(
  ctx: GeneratorContext,
  cluster: SimKafkaCluster,
  input: { name?: string },
): SimConnector {
  const id = ctx.newId('lcc');
  const named = input.name ? CONNECTOR_PLUGINS.find((p) => input.name?.endsWith(p.suffix)) : undefined;
  const plugin = named ?? ctx.rand.pick(CONNECTOR_PLUGINS);
  const domain = ctx.rand.pick(DOMAINS);
  const name =
    input.name ??
    uniqueName(`${domain}-${plugin.suffix}`, (n) => cluster.connectors.some((c) => c.name === n));
  return {
    id,
    name,
    type: plugin.type,
    connectorClass: plugin.connectorClass,
    state: ctx.rand.pick(CONNECTOR_STATES),
    tasksMax: ctx.rand.int(1, 4),
    topic: domain,
  };
}

export function buildSchemaRegistry(
  ctx: GeneratorContext,
  env: SimEnvironment,
  input: Placement & { displayName?: string },
): SimSchemaRegistry {
  const id = ctx.newId('lsrc');
  const { cloud, region } = place(ctx, env, input);
  return {
    id,
    displayName: input.displayName ?? 'Stream Governance Package',
    package: ctx.rand.chance(0.5) ? 'ADVANCED' : 'ESSENTIALS',
    cloud,
    region,
    endpointId: `psrc-${ctx.rand.alnum(5)}`,
    ...ctx.stamps(),
  };
}

export function buildKsqlCluster(
  ctx: GeneratorContext,
  env: SimEnvironment,
  cluster: SimKafkaCluster,
  input: { displayName?: string },
): SimKsqlCluster {
  const id = ctx.newId('lksqlc');
  const displayName =
    input.displayName ??
    namedAfterDomain(ctx, KSQL_PURPOSES, (n) => env.ksqlClusters.some((c) => c.displayName === n));
  return {
    id,
    displayName,
    kafkaClusterId: cluster.id,
    csu: ctx.rand.pick([1, 2, 4, 8, 12]),
    endpointId: `pksqlc-${ctx.rand.alnum(5)}`,
    ...ctx.stamps(),
  };
}

export function buildComputePool(
  ctx: GeneratorContext,
  env: SimEnvironment,
  input: Placement & { displayName?: string },
): SimComputePool {
  const id = ctx.newId('lfcp');
  const displayName =
    input.displayName ??
    namedAfterDomain(ctx, POOL_PURPOSES, (n) => env.computePools.some((c) => c.displayName === n));
  const { cloud, region } = place(ctx, env, input);
  const maxCfu = ctx.rand.pick([5, 10, 20, 30, 50]);
  return {
    id,
    displayName,
    cloud,
    region,
    maxCfu,
    currentCfu: ctx.rand.int(0, Math.floor(maxCfu / 2)),
    ...ctx.stamps(),
  };
}
