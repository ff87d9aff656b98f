/**
 * The writes of a run, in the order that keeps readers safe (docs/architecture.md): the immutable snapshot
 * (documents, then its manifest), then the `latest/` copies, then `latest/manifest.json` last. A failure while
 * copying into `latest/` puts back what was already replaced, so `latest/` stays as it was.
 */
import { KEYS } from '../bucket/keys.js';
import type { Manifest } from '../bucket/manifest.js';
import { INFO_TYPE, JSON_TYPE } from '../bucket/objects.js';
import type { Logger } from '../log.js';
import type { RenderedDocument } from '../render/render.js';
import type { Store } from '../store/store.js';

/** Counts the objects a run writes, for its summary. */
export class WriteCounter {
  count = 0;

  constructor(private readonly store: Store) {}

  async put(key: string, body: string | Buffer, contentType = JSON_TYPE): Promise<void> {
    await this.store.put(key, body, contentType);
    this.count += 1;
  }
}

export async function writeSnapshot(
  out: WriteCounter,
  runId: string,
  docs: readonly RenderedDocument[],
  manifestText: string,
): Promise<void> {
  for (const d of docs) {
    await out.put(KEYS.snapshotDocument(runId, d.name), d.body);
    await out.put(KEYS.snapshotInfo(runId, d.name), d.info.body, INFO_TYPE);
  }
  await out.put(KEYS.snapshotManifest(runId), manifestText);
}

/**
 * Writes `latest/<doc>.json` then `latest/manifest.json`, then removes the copies of documents no longer
 * configured. When a write fails, the documents already replaced are put back from the previous snapshot
 * (best effort) before the error goes on.
 */
export async function switchLatest(
  out: WriteCounter,
  store: Store,
  docs: readonly RenderedDocument[],
  previous: Manifest | undefined,
  manifestText: string,
  log: Logger,
): Promise<void> {
  const replaced: string[] = [];
  try {
    for (const d of docs) {
      replaced.push(d.name);
      await out.put(KEYS.latestDocument(d.name), d.body);
      await out.put(KEYS.latestInfo(d.name), d.info.body, INFO_TYPE);
    }
    await out.put(KEYS.latestManifest, manifestText);
  } catch (err) {
    await rollBackLatest(store, replaced, previous, log);
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
