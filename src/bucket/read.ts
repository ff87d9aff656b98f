/**
 * The one reader of each bucket object, over any `StoreReader`: the pointer, a snapshot's manifest, the status,
 * and the list of snapshots. A snapshot is a `snapshots/<runId>/` folder whose `manifest.json` exists: the
 * publisher writes the manifest last and prune deletes it first, so a folder without one is a leftover.
 */
import { AppError } from '../errors.js';
import { isNotFound, type ObjectInfo, type StoreReader } from '../store/store.js';
import { KEYS, RUN_ID_RE, runIdOfKey } from './keys.js';
import { type Manifest, parseManifest } from './manifest.js';
import { parseStatus, type Status } from './status.js';

async function readText(store: StoreReader, key: string): Promise<string> {
  return (await store.get(key)).body.toString('utf8');
}

/** `latest/manifest.json`, or undefined when nothing was ever published. */
export async function readLatestManifest(store: StoreReader): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readText(store, KEYS.latestManifest);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  return parseManifest(text, `${store.location}/${KEYS.latestManifest}`);
}

/** The manifest of one snapshot; an unknown run id or a missing manifest is SNAPSHOT_NOT_FOUND (exit 2). */
export async function readSnapshotManifest(store: StoreReader, runId: string): Promise<Manifest> {
  if (!RUN_ID_RE.test(runId)) {
    throw new AppError('USAGE', `"${runId}" is not a run id (YYYYMMDDTHHMMSSZ), "latest" or an ISO time`);
  }
  const key = KEYS.snapshotManifest(runId);
  let text: string;
  try {
    text = await readText(store, key);
  } catch (err) {
    if (!isNotFound(err)) throw err;
    const others = await store.list(KEYS.snapshotPrefix(runId));
    const fact =
      others.length > 0
        ? `has no manifest (${others.length} objects without one: incomplete or half-pruned)`
        : 'does not exist';
    throw new AppError('SNAPSHOT_NOT_FOUND', `read snapshot ${runId} in ${store.location}: ${fact}`, {
      cause: err,
    });
  }
  const manifest = parseManifest(text, `${store.location}/${key}`);
  if (manifest.runId !== runId) {
    throw new AppError('MANIFEST_INVALID', `read ${store.location}/${key}: it names run ${manifest.runId}`);
  }
  return manifest;
}

/** `status.json`, or undefined when there is none or it is not of the status shape; a store failure throws. */
export async function readStatus(store: StoreReader): Promise<Status | undefined> {
  try {
    return parseStatus(await readText(store, KEYS.status));
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export interface SnapshotListing {
  /** Run ids with a manifest, newest first. */
  runIds: string[];
  /** Run ids of folders without a manifest (leftovers), newest first. */
  incomplete: string[];
  /** Every object under `snapshots/<runId>/`, by run id. */
  objects: Map<string, ObjectInfo[]>;
}

export async function listSnapshots(store: StoreReader): Promise<SnapshotListing> {
  const objects = new Map<string, ObjectInfo[]>();
  for (const info of await store.list(KEYS.snapshotsPrefix)) {
    const runId = runIdOfKey(info.key);
    if (runId === undefined) continue;
    const list = objects.get(runId) ?? [];
    list.push(info);
    objects.set(runId, list);
  }
  const all = [...objects.keys()].sort().reverse();
  const hasManifest = (id: string) =>
    objects.get(id)?.some((o) => o.key === KEYS.snapshotManifest(id)) ?? false;
  return { runIds: all.filter(hasManifest), incomplete: all.filter((id) => !hasManifest(id)), objects };
}
