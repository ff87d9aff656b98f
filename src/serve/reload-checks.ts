/**
 * What a reload checks before it swaps a document set in: sizes against SD_MAX_DOCUMENT_BYTES (a huge document
 * must not stall the server while it loads), sha256 hashed off the event loop, and the few words `/ready` may say
 * about a failure to anyone (no store location, no error text: those are in the log, and behind a token).
 */
import { webcrypto } from 'node:crypto';
import { KEYS } from '../bucket/keys.js';
import type { Manifest } from '../bucket/manifest.js';
import { isAppError } from '../errors.js';

export const DEFAULT_MAX_DOCUMENT_BYTES = 64 * 1024 * 1024;

/** A reload that failed for a reason of the bucket's content, with the few words `/ready` may say about it. */
export class ReloadError extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** The few words for anyone: no store location, no error text (those are in the log and behind a token). */
export function publicReason(err: unknown): string {
  if (err instanceof ReloadError) return err.reason;
  if (isAppError(err, 'STORE_UNAVAILABLE')) return 'the store could not be read';
  if (isAppError(err, 'STORE_NOT_FOUND')) return 'an object is missing from the store';
  if (isAppError(err, 'MANIFEST_INVALID')) return 'latest/manifest.json is invalid';
  if (isAppError(err, 'SCHEMA_UNSUPPORTED')) return 'latest/manifest.json is of a newer schema';
  return 'an unexpected error (see the server log)';
}

/** Refuses a manifest that lists a document or info document over `max` bytes, before any of them is read. */
export function checkSizes(manifest: Manifest, max: number): void {
  for (const [name, entry] of Object.entries(manifest.documents)) {
    for (const [file, bytes] of [
      [`${name}.json`, entry.bytes],
      [`${name}.info.prom`, entry.info?.bytes ?? 0],
    ] as const) {
      if (bytes > max)
        throw new ReloadError(
          'a document is larger than SD_MAX_DOCUMENT_BYTES',
          `${KEYS.latestManifest} lists ${file} of ${bytes} bytes, over SD_MAX_DOCUMENT_BYTES (${max})`,
        );
    }
  }
}

/** Hex sha256 on the thread pool (webcrypto): hashing a large document does not stall the event loop. */
export async function sha256OffLoop(body: Buffer): Promise<string> {
  return Buffer.from(await webcrypto.subtle.digest('SHA-256', body)).toString('hex');
}
