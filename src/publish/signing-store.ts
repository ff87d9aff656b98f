/**
 * Signs every manifest the run writes (SD_SIGNING_KEY_FILE): a `Store` whose writes of `snapshots/<runId>/manifest.json`
 * and `latest/manifest.json` are followed by their detached signature (`manifest.json.sig`, bucket/signature.ts).
 * It wraps the run's store, so the steps stay as they are. A snapshot's signature is created like the manifest
 * (never overwritten; the same bytes found count as written, Ed25519 being deterministic); the pointer's is put
 * after each pointer write. Until a pointer's signature is written (milliseconds), `verify` sees the previous one.
 */
import type { KeyObject } from 'node:crypto';
import { KEYS, runIdOfKey } from '../bucket/keys.js';
import { JSON_TYPE } from '../bucket/objects.js';
import { signatureKey, signManifest } from '../bucket/signature.js';
import { isAppError } from '../errors.js';
import type { ObjectInfo, Store } from '../store/store.js';

function isSnapshotManifest(key: string): boolean {
  const runId = runIdOfKey(key);
  return runId !== undefined && key === KEYS.snapshotManifest(runId);
}

export function withManifestSignatures(store: Store, privateKey: KeyObject): Store {
  const sigOf = (body: Buffer | string) => signManifest(body, privateKey);
  const createSig = async (key: string, body: Buffer | string) => {
    const sig = sigOf(body);
    try {
      await store.create(signatureKey(key), sig, JSON_TYPE);
    } catch (err) {
      if (!isAppError(err, 'STORE_CONFLICT')) throw err;
      if ((await store.get(signatureKey(key))).body.toString('utf8') !== sig) throw err;
    }
  };
  const afterWrite = async (key: string, body: Buffer | string) => {
    if (key === KEYS.latestManifest) await store.put(signatureKey(key), sigOf(body), JSON_TYPE);
    else if (isSnapshotManifest(key)) await createSig(key, body);
  };
  // delegated one by one: the stores keep their state in private fields, so their methods need them as `this`
  return {
    location: store.location,
    get: (key) => store.get(key),
    getIfChanged: (key, etag) => store.getIfChanged(key, etag),
    getStream: (key) => store.getStream(key),
    head: (key) => store.head(key),
    list: (prefix) => store.list(prefix),
    check: () => store.check(),
    close: () => store.close(),
    delete: (key) => store.delete(key),
    checkWritable: () => store.checkWritable(),
    async put(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo> {
      const info = await store.put(key, body, contentType);
      await afterWrite(key, body);
      return info;
    },
    async create(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo> {
      try {
        const info = await store.create(key, body, contentType);
        await afterWrite(key, body);
        return info;
      } catch (err) {
        // this run's own manifest, answered late: sign it (the caller takes the conflict as written)
        if (isAppError(err, 'STORE_CONFLICT') && isSnapshotManifest(key)) {
          const existing = await store.get(key);
          if (existing.body.equals(Buffer.from(body))) await createSig(key, body);
        }
        throw err;
      }
    },
    async replace(
      key: string,
      body: Buffer | string,
      contentType: string,
      etag: string,
    ): Promise<ObjectInfo> {
      const info = await store.replace(key, body, contentType, etag);
      await afterWrite(key, body);
      return info;
    },
  };
}
