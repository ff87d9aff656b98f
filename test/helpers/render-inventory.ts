/**
 * A small fixed inventory for render tests: every type, two environments, one resource without region and
 * cluster name, names with quotes, unicode and a newline. Deliberately listed out of order.
 */

import type { ParamStyle } from '../../src/bucket/manifest.js';
import type { Inventory } from '../../src/discovery/resource.js';
import type { Combination } from '../../src/render/combination.js';
import { budgetsFrom, METRICS_LIMITS, type PlanSettings } from '../../src/render/plan-settings.js';
import type { RenderOptions } from '../../src/render/render.js';

export function buildRenderInventory(): Inventory {
  return {
    environments: [
      { id: 'env-a1b2c3', name: 'production' },
      { id: 'env-z9y8x7', name: 'staging "blue" ünïcødé 環境' },
    ],
    exportedTypes: ['kafka', 'schema_registry', 'ksql', 'compute_pool', 'connector', 'future_thing'],
    resources: [
      {
        type: 'connector',
        id: 'lcc-9q8w7e',
        name: 'orders "sink"\nto s3',
        environmentId: 'env-a1b2c3',
        environmentName: 'production',
        cloud: 'AWS',
        region: 'us-east-1',
        kafkaClusterId: 'lkc-7x9k2m',
      },
      {
        type: 'kafka',
        id: 'lkc-7x9k2m',
        name: 'orders-prod',
        environmentId: 'env-a1b2c3',
        environmentName: 'production',
        cloud: 'aws',
        region: 'us-east-1',
      },
      {
        type: 'kafka',
        id: 'lkc-3d4f5g',
        name: 'payments',
        environmentId: 'env-a1b2c3',
        environmentName: 'production',
        cloud: 'aws',
        region: 'us-east-1',
      },
      // region and cluster name unknown: rendered without them, counted as a warning
      { type: 'kafka', id: 'lkc-0a1b2c', environmentId: 'env-a1b2c3', cloud: 'gcp' },
      {
        type: 'kafka',
        id: 'lkc-5t6y7u',
        name: 'événements 🚀',
        environmentId: 'env-z9y8x7',
        environmentName: 'staging "blue" ünïcødé 環境',
        cloud: 'azure',
        region: 'westeurope',
      },
      {
        type: 'schema_registry',
        id: 'lsrc-4r5t6y',
        environmentId: 'env-a1b2c3',
        environmentName: 'production',
        cloud: 'aws',
        region: 'us-east-2',
      },
      {
        type: 'ksql',
        id: 'lksqlc-2w3e4r',
        name: "it's ksql",
        environmentId: 'env-a1b2c3',
        environmentName: 'production',
        cloud: 'aws',
        region: 'us-east-1',
        kafkaClusterId: 'lkc-7x9k2m',
      },
      {
        type: 'compute_pool',
        id: 'lfcp-1q2w3e',
        name: 'flink pool',
        environmentId: 'env-z9y8x7',
        environmentName: 'staging "blue" ünïcødé 環境',
        cloud: 'gcp',
        region: 'europe-west1',
      },
    ],
  };
}

export const TELEMETRY = 'api.telemetry.confluent.cloud';

export interface RenderVariant {
  /** Golden file name under test/fixtures/render/. */
  golden: string;
  combination: Combination;
  options: RenderOptions;
}

const byResource = (paramStyle: ParamStyle): RenderOptions => ({
  paramStyle,
  groupBy: 'resource',
  batchSize: 50,
});
const byEnvironment = (paramStyle: ParamStyle): RenderOptions => ({
  paramStyle,
  groupBy: 'environment',
  batchSize: 2,
});

/** Every golden variant: both param styles, with and without prefix, grouping by environment, two targets. */
export const RENDER_VARIANTS: readonly RenderVariant[] = [
  {
    golden: 'resource-underscore-noprefix.json',
    combination: { targets: [TELEMETRY], prefix: '' },
    options: byResource('underscore'),
  },
  {
    golden: 'resource-underscore-confluent.json',
    combination: { targets: [TELEMETRY], prefix: 'confluent_' },
    options: byResource('underscore'),
  },
  {
    golden: 'resource-dotted-noprefix.json',
    combination: { targets: [TELEMETRY], prefix: '' },
    options: byResource('dotted'),
  },
  {
    golden: 'resource-dotted-confluent.json',
    combination: { targets: [TELEMETRY], prefix: 'confluent_' },
    options: byResource('dotted'),
  },
  {
    golden: 'resource-underscore-cc-two-targets.json',
    combination: { targets: ['metrics-proxy.internal:9443', TELEMETRY], prefix: 'cc_' },
    options: byResource('underscore'),
  },
  {
    golden: 'environment-underscore-noprefix.json',
    combination: { targets: [TELEMETRY], prefix: '' },
    options: byEnvironment('underscore'),
  },
  {
    golden: 'environment-underscore-confluent.json',
    combination: { targets: [TELEMETRY], prefix: 'confluent_' },
    options: byEnvironment('underscore'),
  },
  {
    golden: 'environment-dotted-confluent.json',
    combination: { targets: [TELEMETRY], prefix: 'confluent_' },
    options: byEnvironment('dotted'),
  },
];

/** The scrape plan's default settings (SD_METRICS_LIMITS=2026, margin 0.2, 1m, two scrapers). */
export const DEFAULT_PLAN: PlanSettings = {
  ...budgetsFrom(METRICS_LIMITS['2026'], 0.2),
  maxUrlBytes: 2048,
  intervalSeconds: 60,
  scrapers: 2,
  overflow: 'interval',
};
