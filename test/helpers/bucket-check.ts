/**
 * What two publishers at once must never leave: a snapshot object whose bytes differ from what its own manifest
 * says (an "immutable" snapshot overwritten, or one run's documents under another's manifest), or a `latest/` copy
 * (document or info document) that differs from `latest/manifest.json`.
 */
import { createHash } from 'node:crypto';
import { KEYS } from '../../src/bucket/keys.js';
import { parseManifest } from '../../src/bucket/manifest.js';
import { listedObjects } from '../../src/bucket/objects.js';
import { listSnapshots } from '../../src/bucket/read.js';
import { isNotFound, type StoreReader } from '../../src/store/store.js';

async function sha256Of(store: StoreReader, key: string): Promise<string | undefined> {
  try {
    return createHash('sha256')
      .update((await store.get(key)).body)
      .digest('hex');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Every snapshot with a manifest, and latest/: each object the manifest vouches for, with its bytes. */
export async function bucketProblems(store: StoreReader): Promise<string[]> {
  const problems: string[] = [];
  const { runIds } = await listSnapshots(store);
  for (const runId of runIds) {
    const manifest = parseManifest(
      (await store.get(KEYS.snapshotManifest(runId))).body.toString('utf8'),
      runId,
    );
    if (manifest.runId !== runId) problems.push(`${KEYS.snapshotManifest(runId)} names ${manifest.runId}`);
    for (const o of listedObjects(manifest, 'snapshot'))
      if ((await sha256Of(store, o.key)) !== o.sha256) problems.push(`${o.key} differs from its manifest`);
  }
  const latest = await store.get(KEYS.latestManifest).catch((err: unknown) => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  if (!latest) return problems;
  const pointer = parseManifest(latest.body.toString('utf8'), KEYS.latestManifest);
  if (!runIds.includes(pointer.runId))
    problems.push(`latest/ names ${pointer.runId}, not a complete snapshot`);
  for (const o of listedObjects(pointer, 'latest'))
    if ((await sha256Of(store, o.key)) !== o.sha256)
      problems.push(`${o.key} differs from latest/manifest.json`);
  return problems;
}

/** The run id `latest/manifest.json` names. */
export async function latestRunId(store: StoreReader): Promise<string> {
  return parseManifest((await store.get(KEYS.latestManifest)).body.toString('utf8'), 'latest').runId;
}
