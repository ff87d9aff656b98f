/** The resources of a simulated organisation as confluent-sd publishes them: one per (type, id), with its names. */
import type { ResourceType } from '../../src/discovery/resource.js';
import type { SimEnvironment, SimulatedOrg } from '../../src/simulator/org.js';

export interface SimResource {
  type: ResourceType;
  id: string;
  environment: SimEnvironment;
}

/** Sorted by `type:id`, the key the e2e test compares Prometheus targets with. */
export function listSimResources(org: SimulatedOrg): SimResource[] {
  const out: SimResource[] = [];
  for (const environment of org.environments) {
    for (const cluster of environment.kafkaClusters) {
      out.push({ type: 'kafka', id: cluster.id, environment });
      for (const c of cluster.connectors) out.push({ type: 'connector', id: c.id, environment });
      for (const c of cluster.customConnectors) out.push({ type: 'custom_connector', id: c.id, environment });
    }
    if (environment.schemaRegistry) {
      out.push({ type: 'schema_registry', id: environment.schemaRegistry.id, environment });
    }
    for (const k of environment.ksqlClusters) out.push({ type: 'ksql', id: k.id, environment });
    for (const p of environment.computePools) out.push({ type: 'compute_pool', id: p.id, environment });
  }
  return out.sort((a, b) => (resourceKey(a) < resourceKey(b) ? -1 : 1));
}

export function resourceKey(r: { type: string; id: string }): string {
  return `${r.type}:${r.id}`;
}
