/** Opens the configured store with its one retry layer and checks it before any other work starts. */
import type { Logger } from '../log.js';
import { createStore } from './create-store.js';
import { withStoreRetry } from './retrying-store.js';
import type { Store } from './store.js';

export async function openStore(
  config: Parameters<typeof createStore>[0],
  log: Logger,
  write: boolean,
): Promise<Store> {
  const store = withStoreRetry(createStore(config), { retries: 3, log });
  try {
    await (write ? store.checkWritable() : store.check());
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
