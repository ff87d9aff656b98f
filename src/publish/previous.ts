/** The previous snapshot a run builds on: `latest/manifest.json`, or none on a first run. */
import { KEYS } from '../bucket/keys.js';
import type { Manifest } from '../bucket/manifest.js';
import { readLatestManifest } from '../bucket/read.js';
import { AppError, describeError, isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { StoreReader } from '../store/store.js';

/**
 * A corrupted or unreadable pointer refuses the run (MANIFEST_INVALID), so a run never publishes over a state it
 * cannot read; with `force` it is treated as "no previous snapshot".
 */
export async function readPrevious(
  store: StoreReader,
  force: boolean,
  log: Logger,
): Promise<Manifest | undefined> {
  try {
    return await readLatestManifest(store);
  } catch (err) {
    if (!isAppError(err, 'MANIFEST_INVALID') && !isAppError(err, 'SCHEMA_UNSUPPORTED')) throw err;
    if (!force) {
      throw new AppError(
        'MANIFEST_INVALID',
        `${describeError(err)}; refusing to publish over it (rerun with --force to treat it as "no previous snapshot")`,
        { cause: err },
      );
    }
    log.warn(
      { err, key: KEYS.latestManifest },
      'latest manifest is corrupt, treated as no previous snapshot (--force)',
    );
    return undefined;
  }
}
