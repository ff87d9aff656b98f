/**
 * The deps of an in-process publish run for unit tests: a fixed inventory as discovery's answer, both default
 * prefixes for the telemetry target, a fixed clock and a captured log.
 */
import type { Inventory } from '../../src/discovery/resource.js';
import type { PublishDeps } from '../../src/publish/publish.js';
import type { Store } from '../../src/store/store.js';
import { createCapturedLog } from './captured-log.js';
import { DEFAULT_PLAN, TELEMETRY } from './render-inventory.js';

const API = { requests: 5, retries: 0, throttled: 0, failures: 0, durationMs: 3 };

export function fixedPublishDeps(
  store: Store,
  inventory: Inventory,
  at: string,
  log = createCapturedLog(),
): PublishDeps {
  return {
    store,
    discover: async () => ({ inventory, api: API, durationMs: 3 }),
    render: {
      combinations: [
        { targets: [TELEMETRY], prefix: '' },
        { targets: [TELEMETRY], prefix: 'confluent_' },
      ],
      paramStyle: 'underscore',
      groupBy: 'resource',
      batchSize: 50,
      plan: DEFAULT_PLAN,
    },
    publish: { maxShrink: 0.5 },
    log: log.log,
    version: '0.0.0-test',
    now: () => new Date(at),
  };
}
