/**
 * The live organisation of a running simulator: the org tree plus an id index, so every request costs O(page)
 * or O(ids asked), never O(org). All run-time changes (the admin API) go through here to keep the index true.
 */
import {
  checkKafkaShape,
  checkNamedPlacement,
  type KafkaShapeInput,
  optionalDisplayName,
  type PlacementInput,
  requireName,
} from './admin-input.js';
import { createRuntimeContext } from './generator-context.js';
import type {
  IndexEntry,
  SimComputePool,
  SimConnector,
  SimEnvironment,
  SimKafkaCluster,
  SimulatedOrg,
} from './org.js';
import { RecordFactory } from './org-factory.js';
import { detachFromOrg } from './org-removal.js';
import { SimRequestError } from './reply.js';

export class OrgStore {
  readonly org: SimulatedOrg;
  private readonly index = new Map<string, IndexEntry>();
  private readonly envById = new Map<string, SimEnvironment>();
  private readonly build: RecordFactory;

  constructor(org: SimulatedOrg, clock: () => number) {
    this.org = org;
    this.build = new RecordFactory(createRuntimeContext(org.seed, (id) => this.index.has(id), clock));
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
    return entry?.kind === 'kafka' ? { env: entry.env, cluster: entry.record } : undefined;
  }

  addEnvironment(input: { displayName?: string }): SimEnvironment {
    const displayName = requireName(input.displayName, 'display_name');
    const env = this.build.environment({ displayName, taken: () => false });
    this.org.environments.push(env);
    this.indexEnvironment(env);
    return env;
  }

  addKafkaCluster(input: PlacementInput & KafkaShapeInput): SimKafkaCluster {
    const env = this.requireEnvironment(input.environment);
    const shape = checkKafkaShape(input);
    const cluster = this.build.kafkaCluster(env, { ...checkNamedPlacement(input), ...shape });
    env.kafkaClusters.push(cluster);
    return this.indexed({ kind: 'kafka', env, record: cluster });
  }

  addSchemaRegistry(input: PlacementInput) {
    const env = this.requireEnvironment(input.environment);
    if (env.schemaRegistry) {
      throw new SimRequestError(409, 'conflict', `environment ${env.id} already has a schema registry`);
    }
    const sr = this.build.schemaRegistry(env, checkNamedPlacement(input));
    env.schemaRegistry = sr;
    env.streamGovernancePackage = sr.package;
    return this.indexed({ kind: 'schema_registry', env, record: sr });
  }

  addKsqlCluster(input: { environment: string; kafkaCluster?: string; displayName?: string }) {
    const env = this.requireEnvironment(input.environment);
    const cluster = this.requireKafkaCluster(env, input.kafkaCluster);
    const ksql = this.build.ksqlCluster(env, cluster, optionalDisplayName(input));
    env.ksqlClusters.push(ksql);
    return this.indexed({ kind: 'ksql', env, record: ksql });
  }

  addComputePool(input: PlacementInput): SimComputePool {
    const env = this.requireEnvironment(input.environment);
    const pool = this.build.computePool(env, checkNamedPlacement(input));
    env.computePools.push(pool);
    return this.indexed({ kind: 'compute_pool', env, record: pool });
  }

  /** A managed connector, or with `custom` a custom one (`clcc-…`); both share their cluster's names. */
  addConnector(input: {
    environment: string;
    kafkaCluster?: string;
    name?: string;
    custom?: boolean;
  }): SimConnector {
    const env = this.requireEnvironment(input.environment);
    const cluster = this.requireKafkaCluster(env, input.kafkaCluster);
    const name = requireName(input.name, 'name');
    requireFreeConnectorName(cluster, name);
    if (input.custom) {
      const custom = this.build.customConnector(cluster, { name });
      cluster.customConnectors.push(custom);
      return this.indexed({ kind: 'custom_connector', env, cluster, record: custom });
    }
    const connector = this.build.connector(cluster, { name });
    cluster.connectors.push(connector);
    return this.indexed({ kind: 'connector', env, cluster, record: connector });
  }

  /** Renames any resource (a connector's name is its key, so it must stay unique in its cluster). */
  rename(id: string, newName: string | undefined): IndexEntry['record'] {
    const name = requireName(newName, 'display_name');
    const entry = this.requireEntry(id);
    if (entry.kind === 'connector' || entry.kind === 'custom_connector') {
      requireFreeConnectorName(entry.cluster, name, id);
      entry.record.name = name;
    } else {
      entry.record.displayName = name;
      entry.record.updatedAt = this.build.ctx.stamps().updatedAt;
    }
    return entry.record;
  }

  /** Removes a resource and what belongs to it; returns every id removed. */
  remove(id: string): string[] {
    const entry = this.requireEntry(id);
    const removed = detachFromOrg(this.org, entry);
    if (entry.kind === 'environment') this.envById.delete(entry.env.id);
    for (const x of removed) this.index.delete(x);
    return removed;
  }

  private indexed<E extends IndexEntry>(entry: E): E['record'] {
    this.index.set(entry.record.id, entry);
    return entry.record;
  }

  private requireEntry(id: string): IndexEntry {
    const entry = this.index.get(id);
    if (!entry) throw new SimRequestError(404, 'resource_not_found', `resource ${id} not found`);
    return entry;
  }

  /** A Kafka cluster of `env`, for the resources that belong to one (ksqlDB clusters, connectors). */
  private requireKafkaCluster(env: SimEnvironment, id: string | undefined): SimKafkaCluster {
    const found = this.kafkaCluster(requireName(id, 'kafka_cluster'));
    if (!found || found.env !== env) {
      throw new SimRequestError(404, 'resource_not_found', `kafka cluster ${id} not found in ${env.id}`);
    }
    return found.cluster;
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
      this.index.set(cluster.id, { kind: 'kafka', env, record: cluster });
      for (const c of cluster.connectors)
        this.index.set(c.id, { kind: 'connector', env, cluster, record: c });
      for (const c of cluster.customConnectors)
        this.index.set(c.id, { kind: 'custom_connector', env, cluster, record: c });
    }
    const sr = env.schemaRegistry;
    if (sr) this.index.set(sr.id, { kind: 'schema_registry', env, record: sr });
    for (const q of env.ksqlClusters) this.index.set(q.id, { kind: 'ksql', env, record: q });
    for (const p of env.computePools) this.index.set(p.id, { kind: 'compute_pool', env, record: p });
  }
}

/** A connector's name is the key of its cluster's listing: two connectors of one cluster never share it. */
function requireFreeConnectorName(cluster: SimKafkaCluster, name: string, exceptId?: string): void {
  const all = [...cluster.connectors, ...cluster.customConnectors];
  if (all.some((c) => c.name === name && c.id !== exceptId)) {
    throw new SimRequestError(409, 'conflict', `connector ${name} already exists in ${cluster.id}`);
  }
}
