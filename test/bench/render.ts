/**
 * Render speed on a large organisation: 15,000 resources × 4 combinations, both groupings.
 * Prints figures only (never asserted): `node --import tsx test/bench/render.ts`.
 */
import { performance } from 'node:perf_hooks';
import { type Inventory, RESOURCE_TYPES, type Resource } from '../../src/discovery/resource.js';
import { renderAll } from '../../src/render/render.js';

function buildLargeInventory(total: number): Inventory {
  const environments = Array.from({ length: 50 }, (_, i) => ({ id: `env-${i}`, name: `environment ${i}` }));
  const resources: Resource[] = Array.from({ length: total }, (_, i) => ({
    type: RESOURCE_TYPES[i % RESOURCE_TYPES.length]!,
    id: `r-${i.toString(36).padStart(6, '0')}`,
    name: `resource "${i}" ✓`,
    environmentId: `env-${i % 50}`,
    cloud: 'aws',
    region: 'us-east-1',
    kafkaClusterId: 'lkc-1',
  }));
  return { environments, resources, exportedTypes: [...RESOURCE_TYPES] };
}

const inventory = buildLargeInventory(15_000);
const combinations = [
  { targets: ['api.telemetry.confluent.cloud'], prefix: '' },
  { targets: ['api.telemetry.confluent.cloud'], prefix: 'confluent_' },
  { targets: ['metrics-proxy.internal:9443'], prefix: '' },
  { targets: ['metrics-proxy.internal:9443'], prefix: 'confluent_' },
];
for (const groupBy of ['resource', 'environment'] as const) {
  for (let round = 0; round < 3; round++) {
    const start = performance.now();
    const docs = renderAll(inventory, combinations, { paramStyle: 'underscore', groupBy, batchSize: 50 });
    const ms = performance.now() - start;
    const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d.body), 0);
    process.stdout.write(
      `${JSON.stringify({ groupBy, round, resources: inventory.resources.length, documents: docs.length, bytes, ms: Math.round(ms) })}\n`,
    );
  }
}
