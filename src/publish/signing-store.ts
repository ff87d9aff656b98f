/**
 * Signs every manifest the run writes (SD_SIGNING_KEY_FILE): a `Store` whose writes of `snapshots/<runId>/manifest.json`
 * and `latest/manifest.json` are followed by their detached signature (`manifest.json.sig`, bucket/signature.ts).
 * It wraps the run's store, so the steps stay as they are. A snapshot's signature is created like the manifest
 * (never overwritten; the same bytes found count as written, Ed25519 being deterministic). A pointer write is
 * bracketed: before it, the signature of the new bytes with `previous`, the valid signature the pointer has now;
 * after it, the new signature alone. Whatever is interrupted, the `.sig` signs the pointer's current bytes. Only
 * two publishers rewriting the pointer at the same moment can leave the previous signature until the next run.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { KEYS, runIdOfKey } from '../bucket/keys.js';
import { JSON_TYPE } from '../bucket/objects.js';
import { signatureKey, signManifest, validSignatureOf } from '../bucket/signature.js';
import { isAppError } from '../errors.js';
import { getBodyIfExists, type ObjectInfo, type Store } from '../store/store.js';

function isSnapshotManifest(key: string): boolean {
  const runId = runIdOfKey(key);
  return runId !== undefined && key === KEYS.snapshotManifest(runId);
}

type Write = (key: string, body: Buffer | string) => Promise<void>;

/** What each manifest write is bracketed with: the signature writes before and after it. */
function signatureWrites(store: Store, privateKey: KeyObject): { beforeWrite: Write; afterWrite: Write } {
  const publicKey = createPublicKey(privateKey);
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
  return {
    /**
     * Before a pointer write: the new bytes' signature, with the current pointer's valid signature carried along
     * as `previous` (none when the pointer is not validly signed: bytes the publisher did not write stay unsigned).
     */
    async beforeWrite(key, body) {
      if (key !== KEYS.latestManifest) return;
      const [current, sig] = await Promise.all([
        getBodyIfExists(store, key),
        getBodyIfExists(store, signatureKey(key)),
      ]);
      if (current?.equals(Buffer.from(body))) return;
      const previous =
        current && sig ? validSignatureOf(current, sig.toString('utf8'), publicKey) : undefined;
      await store.put(signatureKey(key), signManifest(body, privateKey, previous), JSON_TYPE);
    },
    async afterWrite(key, body) {
      if (key === KEYS.latestManifest) await store.put(signatureKey(key), sigOf(body), JSON_TYPE);
      else if (isSnapshotManifest(key)) await createSig(key, body);
    },
  };
}

export function withManifestSignatures(store: Store, privateKey: KeyObject): Store {
  const { beforeWrite, afterWrite } = signatureWrites(store, privateKey);
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
      await beforeWrite(key, body);
      const info = await store.put(key, body, contentType);
      await afterWrite(key, body);
      return info;
    },
    async create(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo> {
      try {
        await beforeWrite(key, body);
        const info = await store.create(key, body, contentType);
        await afterWrite(key, body);
        return info;
      } catch (err) {
        // this run's own manifest, answered late: sign it (the caller takes the conflict as written)
        if (isAppError(err, 'STORE_CONFLICT') && isSnapshotManifest(key)) {
          const existing = await store.get(key);
          if (existing.body.equals(Buffer.from(body))) await afterWrite(key, body);
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
      await beforeWrite(key, body);
      const info = await store.replace(key, body, contentType, etag);
      await afterWrite(key, body);
      return info;
    },
  };
}
