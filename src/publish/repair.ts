/**
 * The last write step of every run that ends well: each `latest/` copy (documents and info documents) matches the
 * manifest `latest/manifest.json` names now, whichever run wrote it. A run killed between the copies and the
 * pointer, a disk that filled up, or a concurrent run's copies can leave them mixed; static hosts serve
 * `latest/` as it is, so it is repaired, from the bytes this run rendered or from the snapshot.
 */
import { sha256 } from '../bucket/canonical.js';
import { KEYS } from '../bucket/keys.js';
import type { Manifest } from '../bucket/manifest.js';
import { INFO_TYPE, JSON_TYPE, type ListedObject, listedObjects } from '../bucket/objects.js';
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RenderedDocument } from '../render/render.js';
import { isSameEtag, md5Etag } from '../store/etag.js';
import { isNotFound, NOT_MODIFIED, type ObjectInfo } from '../store/store.js';
import { type Pointer, readPointer } from './pointer.js';
import type { WriteCounter } from './writes.js';

/** Rounds of "check the copies, then the pointer again" while another run keeps switching it. */
const MAX_ROUNDS = 3;

/** Repairs the `latest/` copies against the pointer until the pointer stays put; answers the pointer. */
export async function repairLatest(
  out: WriteCounter,
  docs: readonly RenderedDocument[],
  log: Logger,
): Promise<Pointer> {
  const known = new Map<string, Buffer>();
  for (const d of docs) {
    known.set(sha256(d.body), Buffer.from(d.body));
    known.set(sha256(d.info.body), Buffer.from(d.info.body));
  }
  let pointer = await readPointer(out.store);
  for (let round = 1; pointer.manifest; round++) {
    for (const o of listedObjects(pointer.manifest, 'latest'))
      await repairCopy(out, pointer.manifest, o, known, log);
    const again = await out.store.getIfChanged(KEYS.latestManifest, pointer.etag).catch((err: unknown) => {
      if (isNotFound(err)) return undefined;
      throw err;
    });
    // another run switched meanwhile: check its copies too (it does the same when it ends)
    if (again === NOT_MODIFIED || round >= MAX_ROUNDS) return pointer;
    pointer = await readPointer(out.store);
  }
  return pointer;
}

async function repairCopy(
  out: WriteCounter,
  manifest: Manifest,
  o: ListedObject,
  known: ReadonlyMap<string, Buffer>,
  log: Logger,
): Promise<void> {
  const want = known.get(o.sha256);
  const info = await out.store.head(o.key).catch((err: unknown): ObjectInfo | undefined => {
    if (isNotFound(err)) return undefined;
    throw err;
  });
  // our own writes are single-part, so their ETag is the md5; otherwise (SSE-KMS, another tool) read the bytes
  if (info && want && isSameEtag(info.etag, md5Etag(want))) return;
  if (info && sha256((await out.store.get(o.key)).body) === o.sha256) return;
  const body = want ?? (await snapshotBytes(out, manifest, o));
  await out.put(o.key, body, o.kind === 'info' ? INFO_TYPE : JSON_TYPE);
  log.warn(
    { key: o.key, snapshot: manifest.runId, was: info ? 'different' : 'missing' },
    'latest copy repaired',
  );
}

async function snapshotBytes(out: WriteCounter, manifest: Manifest, o: ListedObject): Promise<Buffer> {
  const key =
    o.kind === 'info'
      ? KEYS.snapshotInfo(manifest.runId, o.name)
      : KEYS.snapshotDocument(manifest.runId, o.name);
  const body = (await out.store.get(key)).body;
  if (sha256(body) !== o.sha256) {
    throw new AppError(
      'MANIFEST_INVALID',
      `repair ${o.key} in ${out.store.location}: ${key} does not match latest/manifest.json either`,
    );
  }
  return body;
}
