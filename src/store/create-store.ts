/** The store named by `SD_STORE`: `file:<dir>` or `s3://bucket/prefix` (with `S3_ENDPOINT` and `AWS_REGION`). */
import type { StoreConfig } from './config.js';
import { createFileStore } from './file-store.js';
import { createS3Store } from './s3-store.js';
import type { Store } from './store.js';

export function createStore(config: StoreConfig): Store {
  if (config.kind === 'file') return createFileStore(config.dir);
  return createS3Store({
    bucket: config.bucket,
    prefix: config.prefix,
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    // a copy: the config is frozen and the SDK marks the object it is given (`$source`)
    ...(config.credentials ? { credentials: { ...config.credentials } } : {}),
    ...(config.proxy ? { proxy: config.proxy } : {}),
  });
}
