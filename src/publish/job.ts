/**
 * Wiring of a publish run from configuration: the Confluent client, discovery, and the store with its one retry
 * layer. Shared by `publish`, `schedule` and `demo`.
 */
import { createConfluentClient } from '../confluent/client.js';
import type { ConfluentConfig } from '../confluent/config.js';
import type { DiscoveryConfig } from '../discovery/config.js';
import { discoverInventory } from '../discovery/discover.js';
import type { Logger } from '../log.js';
import type { RenderConfig } from '../render/config.js';
import type { Store } from '../store/store.js';
import { VERSION } from '../version.js';
import type { PublishConfig } from './config.js';
import type { Discovered, PublishDeps } from './publish.js';

export function createDiscover(
  config: ConfluentConfig,
  log: Logger,
  discovery: DiscoveryConfig = {},
): (signal: AbortSignal) => Promise<Discovered> {
  return async (signal) => {
    const started = Date.now();
    const client = createConfluentClient({ ...config, log, signal });
    const inventory = await discoverInventory({ client, log, ...discovery });
    return { inventory, api: client.stats(), durationMs: Date.now() - started };
  };
}

export function createPublishDeps(
  config: {
    confluent: ConfluentConfig;
    discovery?: DiscoveryConfig;
    render: RenderConfig;
    publish: PublishConfig;
  },
  store: Store,
  log: Logger,
  signal?: AbortSignal,
): PublishDeps {
  return {
    store,
    discover: createDiscover(config.confluent, log, config.discovery),
    render: config.render,
    publish: config.publish,
    log,
    version: VERSION,
    ...(signal ? { signal } : {}),
  };
}
