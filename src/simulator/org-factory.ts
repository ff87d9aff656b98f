/**
 * The builder of simulated records, shared by the seeded generator and the admin API. Every draw, id and timestamp
 * comes from its context (generator-context.ts), so the generator stays pure and run-time additions stay unique.
 */
import type { GeneratorContext } from './generator-context.js';
import {
  CLOUD_WEIGHTS,
  CLUSTER_PURPOSES,
  type Cloud,
  CONNECTOR_PLUGINS,
  type ConnectorPlugin,
  CUSTOM_PLUGINS,
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
  KafkaSize,
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

/** Where a new resource goes and what it is called; what is left out is drawn. */
export interface NamedPlacement extends Placement {
  displayName?: string;
}

/** A Kafka cluster's kind, CKU and size when asked for rather than drawn. */
export interface KafkaShape {
  kind?: SimKafkaCluster['kind'];
  cku?: number;
  size?: KafkaSize;
}

function pickCloud(rand: Random): Cloud {
  let r = rand.next();
  for (const [cloud, weight] of CLOUD_WEIGHTS) {
    if (r < weight) return cloud;
    r -= weight;
  }
  return 'aws';
}

/** Whether one of `siblings` already carries a display name. */
const carriedBy =
  (siblings: readonly { displayName: string }[]) =>
  (name: string): boolean =>
    siblings.some((s) => s.displayName === name);

const KAFKA_KINDS = ['Basic', 'Standard', 'Standard', 'Enterprise', 'Dedicated', 'Dedicated'] as const;

const CONNECTOR_STATES = [
  ...Array<'RUNNING'>(17).fill('RUNNING'),
  'FAILED',
  'PAUSED',
  'PROVISIONING',
] as const satisfies readonly SimConnector['state'][];

export class RecordFactory {
  constructor(readonly ctx: GeneratorContext) {}

  environment(input: {
    index?: number;
    displayName?: string;
    taken: (name: string) => boolean;
  }): SimEnvironment {
    const id = this.ctx.newId('env');
    const first = input.index === undefined ? undefined : FIRST_ENVIRONMENT_NAMES[input.index];
    const displayName = input.displayName ?? first ?? this.namedAfterDomain(ENVIRONMENT_STAGES, input.taken);
    return {
      id,
      displayName,
      ...this.ctx.stamps(),
      kafkaClusters: [],
      ksqlClusters: [],
      computePools: [],
    };
  }

  /** A kind, CKU or size asked for (admin API) replaces the draw; the draws happen all the same. */
  kafkaCluster(env: SimEnvironment, input: NamedPlacement & KafkaShape): SimKafkaCluster {
    const { rand } = this.ctx;
    const id = this.ctx.newId('lkc');
    const displayName =
      input.displayName ?? this.namedAfterDomain(CLUSTER_PURPOSES, carriedBy(env.kafkaClusters));
    const { cloud, region } = this.place(env, input);
    const kind = input.kind ?? rand.pick(KAFKA_KINDS);
    const availability = kind !== 'Basic' && rand.chance(0.6) ? 'MULTI_ZONE' : 'SINGLE_ZONE';
    const cluster: SimKafkaCluster = {
      id,
      displayName,
      cloud,
      region,
      kind,
      availability,
      endpointId: `pkc-${rand.alnum(5)}`,
      ...this.ctx.stamps(),
      connectors: [],
      customConnectors: [],
    };
    if (kind === 'Dedicated') cluster.cku = availability === 'MULTI_ZONE' ? rand.int(2, 6) : rand.int(1, 4);
    if (input.cku !== undefined) cluster.cku = input.cku;
    if (input.size) cluster.size = { ...input.size };
    return cluster;
  }

  /** A connector named after its plugin (`orders-s3-sink`); a name asked for picks the plugin it ends with. */
  connector(cluster: SimKafkaCluster, input: { name?: string }): SimConnector {
    return this.connectorOf(cluster, input, 'lcc', CONNECTOR_PLUGINS);
  }

  /** A custom connector (`clcc-…`) running an uploaded plugin (`ccp-…`). */
  customConnector(cluster: SimKafkaCluster, input: { name?: string }): SimConnector {
    const connector = this.connectorOf(cluster, input, 'clcc', CUSTOM_PLUGINS);
    return { ...connector, pluginId: `ccp-${this.ctx.rand.alnum(6)}` };
  }

  private connectorOf(
    cluster: SimKafkaCluster,
    input: { name?: string },
    idPrefix: string,
    plugins: readonly ConnectorPlugin[],
  ): SimConnector {
    const { rand } = this.ctx;
    const id = this.ctx.newId(idPrefix);
    const named = input.name ? plugins.find((p) => input.name?.endsWith(p.suffix)) : undefined;
    const plugin = named ?? rand.pick(plugins);
    const domain = rand.pick(DOMAINS);
    const taken = (n: string) =>
      [...cluster.connectors, ...cluster.customConnectors].some((c) => c.name === n);
    const name = input.name ?? uniqueName(`${domain}-${plugin.suffix}`, taken);
    return {
      id,
      name,
      type: plugin.type,
      connectorClass: plugin.connectorClass,
      state: rand.pick(CONNECTOR_STATES),
      tasksMax: rand.int(1, 4),
      topic: domain,
    };
  }

  schemaRegistry(env: SimEnvironment, input: NamedPlacement): SimSchemaRegistry {
    const id = this.ctx.newId('lsrc');
    const { cloud, region } = this.place(env, input);
    return {
      id,
      displayName: input.displayName ?? 'Stream Governance Package',
      package: this.ctx.rand.chance(0.5) ? 'ADVANCED' : 'ESSENTIALS',
      cloud,
      region,
      endpointId: `psrc-${this.ctx.rand.alnum(5)}`,
      ...this.ctx.stamps(),
    };
  }

  /** A ksqlDB cluster runs on `cluster` and has no place of its own. */
  ksqlCluster(
    env: SimEnvironment,
    cluster: SimKafkaCluster,
    input: { displayName?: string },
  ): SimKsqlCluster {
    const id = this.ctx.newId('lksqlc');
    const displayName =
      input.displayName ?? this.namedAfterDomain(KSQL_PURPOSES, carriedBy(env.ksqlClusters));
    return {
      id,
      displayName,
      kafkaClusterId: cluster.id,
      csu: this.ctx.rand.pick([1, 2, 4, 8, 12]),
      endpointId: `pksqlc-${this.ctx.rand.alnum(5)}`,
      ...this.ctx.stamps(),
    };
  }

  computePool(env: SimEnvironment, input: NamedPlacement): SimComputePool {
    const id = this.ctx.newId('lfcp');
    const displayName =
      input.displayName ?? this.namedAfterDomain(POOL_PURPOSES, carriedBy(env.computePools));
    const { cloud, region } = this.place(env, input);
    const maxCfu = this.ctx.rand.pick([5, 10, 20, 30, 50]);
    return {
      id,
      displayName,
      cloud,
      region,
      maxCfu,
      currentCfu: this.ctx.rand.int(0, Math.floor(maxCfu / 2)),
      ...this.ctx.stamps(),
    };
  }

  /** `<domain>-<purpose>`, made unique with a number when taken. */
  private namedAfterDomain(purposes: readonly string[], taken: (name: string) => boolean): string {
    return uniqueName(`${this.ctx.rand.pick(DOMAINS)}-${this.ctx.rand.pick(purposes)}`, taken);
  }

  /** Where a new resource lives: as asked, else mostly where the environment's first Kafka cluster is. */
  private place(env: SimEnvironment, wanted: Placement): { cloud: Cloud; region: string } {
    const { rand } = this.ctx;
    const cloud = wanted.cloud ?? (wanted.region ? cloudOfRegion(wanted.region) : undefined);
    if (cloud) return { cloud, region: wanted.region ?? rand.pick(REGIONS[cloud]) };
    const home = env.kafkaClusters[0];
    if (home && rand.chance(0.7)) return { cloud: home.cloud, region: home.region };
    const picked = pickCloud(rand);
    return { cloud: picked, region: rand.pick(REGIONS[picked]) };
  }
}
