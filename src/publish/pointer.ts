/**
 * `latest/manifest.json`, the one object that says which snapshot is current, written only conditionally: a run
 * switches it only while it still is what the run read, so of two publishers at once one wins and the other
 * backs off (`superseded`), and an unchanged run's refresh never undoes another run's switch.
 */
import { KEYS } from '../bucket/keys.js';
import { type Manifest, parseManifest } from '../bucket/manifest.js';
import { isAppError } from '../errors.js';
import { isNotFound, type StoredObject, type StoreReader } from '../store/store.js';

export interface Pointer {
  /** The manifest it names; undefined when there is none, or it cannot be read as one. */
  manifest: Manifest | undefined;
  /** Its ETag as read; undefined when there is none. */
  etag: string | undefined;
  text: string | undefined;
}

/** The conditional writes a switch makes (the run's `WriteCounter`, which counts them). */
export interface PointerWriter {
  create(key: string, body: string): Promise<void>;
  replace(key: string, body: string, etag: string): Promise<void>;
}

/** Conflicts in a row before a switch gives up (each one means another run refreshed the same snapshot). */
const MAX_SWAP_ATTEMPTS = 5;

export async function readPointerObject(store: StoreReader): Promise<StoredObject | undefined> {
  try {
    return await store.get(KEYS.latestManifest);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The pointer as it is now; one that does not parse names no snapshot. */
export async function readPointer(store: StoreReader): Promise<Pointer> {
  const obj = await readPointerObject(store);
  if (!obj) return { manifest: undefined, etag: undefined, text: undefined };
  const text = obj.body.toString('utf8');
  let manifest: Manifest | undefined;
  try {
    manifest = parseManifest(text, KEYS.latestManifest);
  } catch {
    manifest = undefined;
  }
  return { manifest, etag: obj.etag, text };
}

/** Both name the same snapshot (one may carry a newer `checkedAt`), or both none. */
export function isSameSnapshot(a: Pointer, b: Pointer): boolean {
  return a.manifest?.runId === b.manifest?.runId && (a.etag === undefined) === (b.etag === undefined);
}

export type SwapResult = { switched: true } | { switched: false; current: Pointer };

/**
 * Writes `text` as the pointer while it still is `expected` (a replace on its ETag; a create when there was
 * none). Another run's refresh of the same snapshot is not a switch: the write is retried on the new ETag. Any
 * other change is: the run backs off, answering what the pointer names now.
 */
export async function swapPointer(
  out: PointerWriter,
  store: StoreReader,
  text: string,
  expected: Pointer,
): Promise<SwapResult> {
  let expect = expected;
  for (let attempt = 1; ; attempt++) {
    try {
      if (expect.etag === undefined) await out.create(KEYS.latestManifest, text);
      else await out.replace(KEYS.latestManifest, text, expect.etag);
      return { switched: true };
    } catch (err) {
      if (!isAppError(err, 'STORE_CONFLICT')) throw err;
      const current = await readPointer(store);
      // our own write, answered too late (a retry after a lost answer finds it in place)
      if (current.text === text) return { switched: true };
      if (attempt >= MAX_SWAP_ATTEMPTS || !isSameSnapshot(current, expect))
        return { switched: false, current };
      expect = current;
    }
  }
}
