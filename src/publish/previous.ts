/** The previous snapshot a run builds on: `latest/manifest.json` as the run read it, or none on a first run. */
import { KEYS } from '../bucket/keys.js';
import { parseManifest } from '../bucket/manifest.js';
import { AppError, describeError, isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { StoreReader } from '../store/store.js';
import { type Pointer, readPointerObject } from './pointer.js';

/** The previous pointer, and when `--force` let the run past a corrupted one, what was wrong with it. */
export interface Previous extends Pointer {
  forcedPast?: string;
}

/**
 * A corrupted or unreadable pointer refuses the run (MANIFEST_INVALID), so a run never publishes over a state it
 * cannot read; with `force` it is treated as "no previous snapshot" (its ETag is kept: the switch replaces
 * exactly that object). A pointer of a newer schema is never overwritten, not even with `force`: an older tool
 * would replace what a newer one wrote with a format that one may no longer read the same way.
 */
export async function readPrevious(store: StoreReader, force: boolean, log: Logger): Promise<Previous> {
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
    if (isAppError(err, 'SCHEMA_UNSUPPORTED')) {
      throw new AppError(
        'SCHEMA_UNSUPPORTED',
        `${err.message}; refusing to publish over it (even with --force)`,
        {
          cause: err,
        },
      );
    }
    if (!isAppError(err, 'MANIFEST_INVALID')) throw err;
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
    return { manifest: undefined, etag: obj.etag, text, forcedPast: describeError(err) };
  }
}
