/**
 * The live organisation of a running simulator: the org tree plus an id index, so every request costs O(page)
 * or O(ids asked), never O(org). All run-time changes (the admin API) go through here to keep the index true.
 */

import { createRuntimeContext, type GeneratorContext } from './generator-context.js';
import { type Cloud, cloudOfRegion, isCloud } from './names.js';
import type { IndexEntry, SimEnvironment, SimKafkaCluster, SimulatedOrg } from './org.js';
import {
  buildComputePool,
  buildConnector,
  buildEnvironment,
  buildKafkaCluster,
  buildKsqlCluster,
  buildSchemaRegistry,
  type Placement,
} from './org-factory.js';

/** An answer the admin API turns into an HTTP error (`status`, `code`, `detail`). */
export class SimRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface PlacementInput {
  environment: string;
  displayName?: string;
  cloud?: string;
  region?: string;
}

export class OrgStore {
  readonly org: SimulatedOrg;
  private readonly index = new Map<string, IndexEntry>();
  private readonly envById = new Map<string, SimEnvironment>();
  private readonly ctx: GeneratorContext;

  constructor(org: SimulatedOrg, clock: () => number) {
    this.org = org;
    this.ctx = createRuntimeContext(org.seed, (id) => this.index.has(id), clock);
    for (const env of org.environments) this.indexEnvironment(env);
  }

  find(id: string): IndexEntry | undefined {
    return this.index.get(id);
  }

  environment(id: string): SimEnvironment | undefined {
    return this.envById.get(id);
  }

  kafkaCluster(id: string): { env: SimEnvironment; cluster: SimKafkaCluster } | undefined {
    const entry = this.index.get(id);
    if (entry?.kind !== 'kafka' || !entry.cluster) return undefined;
    return { env: entry.env, cluster: entry.cluster };
  }

  addEnvironment(input: { displayName?: string }): SimEnvironment {
    const displayName = requireName(input.displayName, 'display_name');
    const env = buildEnvironment(this.ctx, { displayName, taken: () => false });
    this.org.environments.push(env);
    this.indexEnvironment(env);
    return env;
  }

  addKafkaCluster(input: PlacementInput) {
    const env = this.requireEnvironment(input.environment);
    const cluster = buildKafkaCluster(this.ctx, env, { ...checkPlacement(input), ...named(input) });
    env.kafkaClusters.push(cluster);
    this.index.set(cluster.id, { kind: 'kafka', env, cluster, record: cluster });
    return cluster;
  }

  addSchemaRegistry(input: PlacementInput) {
    const env = this.requireEnvironment(input.environment);
    if (env.schemaRegistry) {
      throw new SimRequestError(409, 'conflict', `environment ${env.id} already has a schema registry`);
    }
    const sr = buildSchemaRegistry(this.ctx, env, { ...checkPlacement(input), ...named(input) });
    env.schemaRegistry = sr;
    env.streamGovernancePackage = sr.package;
    this.index.set(sr.id, { kind: 'schema_registry', env, record: sr });
    return sr;
  }

  addKsqlCluster(input: { environment: string; kafkaCluster?: string; displayName?: string }) {
    const env = this.requireEnvironment(input.environment);
    const found = this.requireKafkaCluster(env, input.kafkaCluster);
    const ksql = buildKsqlCluster(this.ctx, env, found.cluster, named(input));
    env.ksqlClusters.push(ksql);
    this.index.set(ksql.id, { kind: 'ksql', env, record: ksql });
    return ksql;
  }

  addComputePool(input: PlacementInput) {
    const env = this.requireEnvironment(input.environment);
    const pool = buildComputePool(this.ctx, env, { ...checkPlacement(input), ...named(input) });
    env.computePools.push(pool);
    this.index.set(pool.id, { kind: 'compute_pool', env, record: pool });
    return pool;
  }

  addConnector(input: { environment: string; kafkaCluster?: string; name?: string }) {
    const env = this.requireEnvironment(input.environment);
    const found = this.requireKafkaCluster(env, input.kafkaCluster);
    const name = requireName(input.name, 'name');
    if (found.cluster.connectors.some((c) => c.name === name)) {
      throw new SimRequestError(409, 'conflict', `connector ${name} already exists in ${found.cluster.id}`);
    }
    const connector = buildConnector(this.ctx, found.cluster, { name });
    found.cluster.connectors.push(connector);
    this.index.set(connector.id, { kind: 'connector', env, cluster: found.cluster, record: connector });
    return connector;
  }

  /** Renames any resource (a connector's name is its key, so it must stay unique in its cluster). */
  rename(id: string, newName: string | undefined) {
    const name = requireName(newName, 'display_name');
    const entry = this.requireEntry(id);
    const { record } = entry;
    if ('name' in record) {
      if (entry.cluster?.connectors.some((c) => c.name === name && c.id !== id)) {
        throw new SimRequestError(409, 'conflict', `connector ${name} already exists in ${entry.cluster.id}`);
      }
      record.name = name;
    } else {
      record.displayName = name;
      record.updatedAt = this.ctx.stamps().updatedAt;
    }
    return record;
  }

  /** Removes a resource and what belongs to it; returns every id removed. */
  remove(id: string): string[] {
    const entry = this.requireEntry(id);
    const { env } = entry;
    const removed: string[] = [];
    const drop = (x: string) => {
      this.index.delete(x);
      removed.push(x);
    };
    switch (entry.kind) {
      case 'environment':
        this.org.environments.splice(this.org.environments.indexOf(env), 1);
        this.envById.delete(env.id);
        for (const x of idsOfEnvironment(env)) drop(x);
        break;
      case 'kafka': {
        const cluster = entry.cluster!;
        env.kafkaClusters.splice(env.kafkaClusters.indexOf(cluster), 1);
        drop(id);
        for (const c of cluster.connectors) drop(c.id);
        // a ksqlDB cluster cannot outlive the Kafka cluster it runs on
        for (const q of env.ksqlClusters.filter((k) => k.kafkaClusterId === id)) drop(q.id);
        env.ksqlClusters = env.ksqlClusters.filter((k) => k.kafkaClusterId !== id);
        break;
      }
      case 'schema_registry':
        delete env.schemaRegistry;
        delete env.streamGovernancePackage;
        drop(id);
        break;
      case 'ksql':
        env.ksqlClusters = env.ksqlClusters.filter((k) => k.id !== id);
        drop(id);
        break;
      case 'compute_pool':
        env.computePools = env.computePools.filter((p) => p.id !== id);
        drop(id);
        break;
      case 'connector': {
        const cluster = entry.cluster!;
        cluster.connectors = cluster.connectors.filter((c) => c.id !== id);
        drop(id);
        break;
      }
    }
    return removed;
  }

  private requireEntry(id: string): IndexEntry {
    const entry = this.index.get(id);
    if (!entry) throw new SimRequestError(404, 'resource_not_found', `resource ${id} not found`);
    return entry;
  }

  /** A Kafka cluster of `env`, for the resources that belong to one (ksqlDB clusters, connectors). */
  private requireKafkaCluster(env: SimEnvironment, id: string | undefined) {
    const found = this.kafkaCluster(requireName(id, 'kafka_cluster'));
    if (!found || found.env !== env) {
      throw new SimRequestError(404, 'resource_not_found', `kafka cluster ${id} not found in ${env.id}`);
    }
    return found;
  }

  private requireEnvironment(id: string | undefined): SimEnvironment {
    const env = this.envById.get(requireName(id, 'environment'));
    if (!env) throw new SimRequestError(404, 'resource_not_found', `environment ${id} not found`);
    return env;
  }

  private indexEnvironment(env: SimEnvironment): void {
    this.envById.set(env.id, env);
    this.index.set(env.id, { kind: 'environment', env, record: env });
    for (const cluster of env.kafkaClusters) {
      this.index.set(cluster.id, { kind: 'kafka', env, cluster, record: cluster });
      for (const c of cluster.connectors)
        this.index.set(c.id, { kind: 'connector', env, cluster, record: c });
    }
    const sr = env.schemaRegistry;
    if (sr) this.index.set(sr.id, { kind: 'schema_registry', env, record: sr });
    for (const q of env.ksqlClusters) this.index.set(q.id, { kind: 'ksql', env, record: q });
    for (const p of env.computePools) this.index.set(p.id, { kind: 'compute_pool', env, record: p });
  }
}

function idsOfEnvironment(env: SimEnvironment): string[] {
  return [
    env.id,
    ...env.kafkaClusters.flatMap((c) => [c.id, ...c.connectors.map((x) => x.id)]),
    ...(env.schemaRegistry ? [env.schemaRegistry.id] : []),
    ...env.ksqlClusters.map((q) => q.id),
    ...env.computePools.map((p) => p.id),
  ];
}

function requireName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SimRequestError(400, 'invalid_request', `${field} is required (a non-empty string)`);
  }
  return value;
}

function named(input: { displayName?: string }): { displayName?: string } {
  return input.displayName === undefined
    ? {}
    : { displayName: requireName(input.displayName, 'display_name') };
}

function checkPlacement(input: { cloud?: string; region?: string }): Placement {
  const placement: Placement = {};
  if (input.cloud !== undefined) {
    const cloud = String(input.cloud).toLowerCase();
    if (!isCloud(cloud)) throw new SimRequestError(400, 'invalid_request', 'cloud must be aws, gcp or azure');
    placement.cloud = cloud as Cloud;
  }
  if (input.region !== undefined) {
    placement.region = requireName(input.region, 'region');
    if (!placement.cloud && !cloudOfRegion(placement.region)) {
      throw new SimRequestError(400, 'invalid_request', `cloud is required for region ${placement.region}`);
    }
  }
  return placement;
}
