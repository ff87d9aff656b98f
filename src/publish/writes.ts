/**
 * The writes of a run, in the order that keeps readers safe (docs/architecture.md): the immutable snapshot
 * (documents, then its manifest; each object created, never overwritten), then the `latest/` copies, then
 * `latest/manifest.json` last, conditionally. A failure while copying into `latest/` puts back what was already
 * replaced, so `latest/` stays as it was.
 */
import { KEYS } from '../bucket/keys.js';
import type { Manifest } from '../bucket/manifest.js';
import { INFO_TYPE, JSON_TYPE } from '../bucket/objects.js';
import { runIdAfter } from '../bucket/run-id.js';
import { isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RenderedDocument } from '../render/render.js';
import type { Store } from '../store/store.js';
import { type Pointer, type SwapResult, swapPointer } from './pointer.js';

/** Run ids a run tries for its snapshot (its own, then the seconds after it) before it gives up. */
const MAX_SNAPSHOT_IDS = 5;

/** Counts the objects a run writes, for its summary. */
export class WriteCounter {
  count = 0;

  constructor(readonly store: Store) {}

  async put(key: string, body: string | Buffer, contentType = JSON_TYPE): Promise<void> {
    await this.store.put(key, body, contentType);
    this.count += 1;
  }

  /**
   * Creates the object; when the key holds these very bytes already (this run's own create, answered too late
   * and retried), that is the object this run meant. Other bytes: STORE_CONFLICT.
   */
  async create(key: string, body: string | Buffer, contentType = JSON_TYPE): Promise<void> {
    try {
      await this.store.create(key, body, contentType);
      this.count += 1;
    } catch (err) {
      if (!isAppError(err, 'STORE_CONFLICT')) throw err;
      const existing = await this.store.get(key);
      if (!existing.body.equals(Buffer.from(body))) throw err;
    }
  }

  async replace(key: string, body: string | Buffer, etag: string, contentType = JSON_TYPE): Promise<void> {
    await this.store.replace(key, body, contentType, etag);
    this.count += 1;
  }
}

export interface ClaimedSnapshot {
  runId: string;
  manifestText: string;
}

/**
 * Writes the snapshot under `runId`; when another run holds that id (its objects are there, with other
 * bytes), under the next second, up to MAX_SNAPSHOT_IDS ids. `manifestFor` renders the manifest of an id.
 */
export async function claimSnapshot(
  out: WriteCounter,
  runId: string,
  docs: readonly RenderedDocument[],
  manifestFor: (runId: string) => string,
  log: Logger,
): Promise<ClaimedSnapshot> {
  for (let id = runId, attempt = 1; ; id = runIdAfter(id), attempt++) {
    const manifestText = manifestFor(id);
    try {
      for (const d of docs) {
        await out.create(KEYS.snapshotDocument(id, d.name), d.body);
        await out.create(KEYS.snapshotInfo(id, d.name), d.info.body, INFO_TYPE);
      }
      await out.create(KEYS.snapshotManifest(id), manifestText);
      return { runId: id, manifestText };
    } catch (err) {
      if (!isAppError(err, 'STORE_CONFLICT') || attempt >= MAX_SNAPSHOT_IDS) throw err;
      log.warn(
        { runId: id, next: runIdAfter(id), err },
        'snapshot id taken by another run, trying the next second',
      );
    }
  }
}

/**
 * Writes `latest/<doc>.json` and its info document for every document, then switches `latest/manifest.json`
 * while it still is `expected`. When a write fails, the copies already replaced are put back from the snapshot
 * `expected` names (best effort) before the error goes on.
 */
export async function switchLatest(
  out: WriteCounter,
  docs: readonly RenderedDocument[],
  expected: Pointer,
  manifestText: string,
  log: Logger,
): Promise<SwapResult> {
  const replaced: string[] = [];
  try {
    for (const d of docs) {
      replaced.push(d.name);
      await out.put(KEYS.latestDocument(d.name), d.body);
      await out.put(KEYS.latestInfo(d.name), d.info.body, INFO_TYPE);
    }
    return await swapPointer(out, out.store, manifestText, expected);
  } catch (err) {
    await rollBackLatest(out.store, replaced, expected.manifest, log);
    throw err;
  }
}

export async function removeLatestCopies(store: Store, names: readonly string[]): Promise<void> {
  for (const name of names) {
    await store.delete(KEYS.latestDocument(name)).catch(() => undefined);
    await store.delete(KEYS.latestInfo(name)).catch(() => undefined);
  }
}

async function rollBackLatest(
  store: Store,
  replaced: readonly string[],
  previous: Manifest | undefined,
  log: Logger,
): Promise<void> {
  for (const name of replaced) {
    try {
      await restoreLatest(store, name, previous);
    } catch (rollbackErr) {
      log.error(
        { err: rollbackErr, document: name },
        'rollback of latest document failed; latest/manifest.json still points at the previous complete snapshot',
      );
    }
  }
}

/** `latest/<name>.json` and its info document as the previous snapshot had them, or gone when it had none. */
async function restoreLatest(store: Store, name: string, previous: Manifest | undefined): Promise<void> {
  const entry = previous?.documents[name];
  if (!previous || !entry) {
    await store.delete(KEYS.latestDocument(name));
    await store.delete(KEYS.latestInfo(name));
    return;
  }
  const old = await store.get(KEYS.snapshotDocument(previous.runId, name));
  await store.put(KEYS.latestDocument(name), old.body, JSON_TYPE);
  if (entry.info) {
    const info = await store.get(KEYS.snapshotInfo(previous.runId, name));
    await store.put(KEYS.latestInfo(name), info.body, INFO_TYPE);
  } else await store.delete(KEYS.latestInfo(name));
}
