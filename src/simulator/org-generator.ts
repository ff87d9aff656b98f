/** The organisation of a seed: pure, so the same seed and sizes always give a byte-identical org. */

import { createGeneratorContext } from './generator-context.js';
import { DEFAULT_SIZES, type OrgSizes, type SimEnvironment, type SimulatedOrg } from './org.js';
import {
  buildComputePool,
  buildConnector,
  buildEnvironment,
  buildKafkaCluster,
  buildKsqlCluster,
  buildSchemaRegistry,
} from './org-factory.js';

/** Share of environments (after the first, which always has one) that enable Stream Governance. */
const SCHEMA_REGISTRY_SHARE = 0.85;

/** Generates the organisation of a seed. Pure: no clock, no Math.random. */
export function generateOrg(seed: number, sizes: Partial<OrgSizes> = {}): SimulatedOrg {
  const size = { ...DEFAULT_SIZES, ...sizes };
  const ctx = createGeneratorContext(seed);
  const organizationId = ctx.uuid();
  const environments: SimEnvironment[] = [];
  const envNames = new Set<string>();
  for (let e = 0; e < size.environments; e++) {
    const env = buildEnvironment(ctx, { index: e, taken: (n) => envNames.has(n) });
    envNames.add(env.displayName);
    for (let k = 0; k < size.kafkaPerEnv; k++) {
      const cluster = buildKafkaCluster(ctx, env, {});
      for (let c = 0; c < size.connectorsPerCluster; c++)
        cluster.connectors.push(buildConnector(ctx, cluster, {}));
      env.kafkaClusters.push(cluster);
    }
    if (size.schemaRegistry && (e === 0 || ctx.rand.chance(SCHEMA_REGISTRY_SHARE))) {
      env.schemaRegistry = buildSchemaRegistry(ctx, env, {});
      env.streamGovernancePackage = env.schemaRegistry.package;
    }
    for (let q = 0; q < size.ksqlPerEnv && env.kafkaClusters.length > 0; q++) {
      env.ksqlClusters.push(buildKsqlCluster(ctx, env, ctx.rand.pick(env.kafkaClusters), {}));
    }
    for (let p = 0; p < size.computePoolsPerEnv; p++) env.computePools.push(buildComputePool(ctx, env, {}));
    environments.push(env);
  }
  return { seed, organizationId, environments };
}
