/** The previous snapshot a run builds on: `latest/manifest.json` as the run read it, or none on a first run. */
import { KEYS } from '../bucket/keys.js';
import { parseManifest } from '../bucket/manifest.js';
import { AppError, describeError, isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { StoreReader } from '../store/store.js';
import { type Pointer, readPointerObject } from './pointer.js';

/**
 * A corrupted or unreadable pointer refuses the run (MANIFEST_INVALID), so a run never publishes over a state it
 * cannot read; with `force` it is treated as "no previous snapshot" (its ETag is kept: the switch replaces
 * exactly that object).
 */
export async function readPrevious(store: StoreReader, force: boolean, log: Logger): Promise<Pointer> {
  const obj = await readPointerObject(store);
  if (!obj) return { manifest: undefined, etag: undefined, text: undefined };
  const text = obj.body.toString('utf8');
  try {
    return {
      manifest: parseManifest(text, `${store.location}/${KEYS.latestManifest}`),
      etag: obj.etag,
      text,
    };
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
    return { manifest: undefined, etag: obj.etag, text };
  }
}
