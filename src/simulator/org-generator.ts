/** The organisation of a seed: pure, so the same seed and sizes always give a byte-identical org. */
import { createGeneratorContext } from './generator-context.js';
import { DEFAULT_SIZES, type OrgSizes, type SimEnvironment, type SimulatedOrg } from './org.js';
import { RecordFactory } from './org-factory.js';
import { hashString } from './random.js';

/** Share of environments (after the first, which always has one) that enable Stream Governance. */
const SCHEMA_REGISTRY_SHARE = 0.85;

/** Generates the organisation of a seed. Pure: no clock, no Math.random. */
export function generateOrg(seed: number, sizes: Partial<OrgSizes> = {}): SimulatedOrg {
  const size = { ...DEFAULT_SIZES, ...sizes };
  const build = new RecordFactory(createGeneratorContext(seed));
  const { rand } = build.ctx;
  const organizationId = build.ctx.uuid();
  const environments: SimEnvironment[] = [];
  const envNames = new Set<string>();
  for (let e = 0; e < size.environments; e++) {
    const env = build.environment({ index: e, taken: (n) => envNames.has(n) });
    envNames.add(env.displayName);
    for (let k = 0; k < size.kafkaPerEnv; k++) {
      const cluster = build.kafkaCluster(env, {});
      for (let c = 0; c < size.connectorsPerCluster; c++)
        cluster.connectors.push(build.connector(cluster, {}));
      env.kafkaClusters.push(cluster);
    }
    if (size.schemaRegistry && (e === 0 || rand.chance(SCHEMA_REGISTRY_SHARE))) {
      env.schemaRegistry = build.schemaRegistry(env, {});
      env.streamGovernancePackage = env.schemaRegistry.package;
    }
    for (let q = 0; q < size.ksqlPerEnv && env.kafkaClusters.length > 0; q++) {
      env.ksqlClusters.push(build.ksqlCluster(env, rand.pick(env.kafkaClusters), {}));
    }
    for (let p = 0; p < size.computePoolsPerEnv; p++) env.computePools.push(build.computePool(env, {}));
    environments.push(env);
  }
  addCustomConnectors(seed, environments, size.customConnectorsPerEnv);
  return { seed, organizationId, environments };
}

/**
 * Custom connectors on each environment's first Kafka cluster, drawn from a stream of their own: the rest of a
 * seed's organisation is what it was before they existed (their `clcc-` ids cannot meet another type's).
 */
function addCustomConnectors(seed: number, environments: SimEnvironment[], perEnv: number): void {
  const build = new RecordFactory(createGeneratorContext(hashString(`custom-connectors:${seed}`)));
  for (const env of environments) {
    const cluster = env.kafkaClusters[0];
    if (!cluster) continue;
    for (let c = 0; c < perEnv; c++) cluster.customConnectors.push(build.customConnector(cluster, {}));
  }
}
