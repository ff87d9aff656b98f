/**
 * `latest/manifest.json` and its signature are two writes (publish/signing-store.ts). Real publish runs with
 * SD_SIGNING_KEY_FILE's store over a file store, the pointer and its `.sig` read back after every write the run
 * makes: the pointer verifies at every moment (a first run, an unchanged run that rewrites `checkedAt`, a switch),
 * and after a run that died between the pointer write and the signature's last write.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KEYS } from '../../src/bucket/keys.js';
import { checkSignature, signatureKey } from '../../src/bucket/signature.js';
import type { Inventory } from '../../src/discovery/resource.js';
import { publishRun } from '../../src/publish/publish.js';
import { withManifestSignatures } from '../../src/publish/signing-store.js';
import { createFileStore } from '../../src/store/file-store.js';
import { getBodyIfExists, type Store } from '../../src/store/store.js';
import { type AroundCall, type StoreOp, wrapStore } from '../../src/store/wrap-store.js';
import { fixedPublishDeps } from '../helpers/publish-deps.js';
import { buildRenderInventory } from '../helpers/render-inventory.js';

const WRITES: ReadonlySet<StoreOp> = new Set(['put', 'create', 'replace', 'delete']);
const SIG = signatureKey(KEYS.latestManifest);
type PublicKey = ReturnType<typeof generateKeyPairSync>['publicKey'];

/** What is wrong with the pointer's signature now; undefined while there is no pointer or it verifies. */
async function pointerProblem(store: Store, publicKey: PublicKey) {
  const pointer = await getBodyIfExists(store, KEYS.latestManifest);
  if (!pointer) return undefined;
  const sig = await getBodyIfExists(store, SIG);
  return sig ? checkSignature(pointer, sig.toString('utf8'), publicKey) : 'no signature';
}

interface Rig {
  /** The file store, read and written past the signing store and the test's wrap. */
  base: Store;
  publicKey: PublicKey;
  /** One publish run at `at` through the signing store (the render inventory, or `inventory`). */
  run(at: string, inventory?: Inventory): ReturnType<typeof publishRun>;
}

/** A file store in a temp dir, wrapped by `around` (the test's watch on every call), signed with a new key. */
async function withSignedStore(
  around: (base: Store, publicKey: PublicKey) => AroundCall,
  body: (rig: Rig) => Promise<void>,
): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-pointer-sig-'));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const base = createFileStore(dir);
  const store = withManifestSignatures(wrapStore(base, around(base, publicKey)), privateKey);
  const inventory = buildRenderInventory();
  try {
    await body({
      base,
      publicKey,
      run: (at, inv = inventory) => publishRun(fixedPublishDeps(store, inv, at)),
    });
  } finally {
    await base.close();
    await rm(dir, { recursive: true, force: true });
  }
}

test('the pointer verifies after every write of a first run, an unchanged run and a switch', async () => {
  const seen: string[] = [];
  let pointerWrites = 0;
  const watch =
    (base: Store, publicKey: PublicKey): AroundCall =>
    async (op, key, fn) => {
      const result = await fn();
      if (WRITES.has(op)) {
        if (key === KEYS.latestManifest) pointerWrites += 1;
        const problem = await pointerProblem(base, publicKey);
        if (problem) seen.push(`after ${op} ${key}: ${problem}`);
      }
      return result;
    };
  await withSignedStore(watch, async ({ run }) => {
    assert.is((await run('2026-03-01T10:00:00Z')).outcome, 'published');
    assert.is((await run('2026-03-01T10:30:00Z')).outcome, 'unchanged');
    const inventory = buildRenderInventory();
    const fewer = { ...inventory, resources: inventory.resources.slice(1) };
    assert.is((await run('2026-03-01T11:00:00Z', fewer)).outcome, 'published');
    assert.ok(pointerWrites >= 3, `${pointerWrites} pointer writes`);
    assert.equal(seen, []);
  });
});

test('a run that dies after the pointer write, before its signature is rewritten, leaves it verifying', async () => {
  let pointerWritten = false;
  let failing = false;
  const dying = (): AroundCall => async (op, key, fn) => {
    if (failing && pointerWritten && op === 'put' && key === SIG) throw new Error('killed');
    const result = await fn();
    if (failing && key === KEYS.latestManifest && op !== 'get') pointerWritten = true;
    return result;
  };
  await withSignedStore(dying, async ({ base, publicKey, run }) => {
    await run('2026-03-01T10:00:00Z');
    failing = true;
    // the unchanged run rewrites the pointer (checkedAt), then dies where its signature's last write would be
    const died = await run('2026-03-01T10:30:00Z').then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(died instanceof Error, 'the run failed');
    assert.ok(pointerWritten, 'it got as far as the pointer');
    assert.match(String(await getBodyIfExists(base, KEYS.latestManifest)), /2026-03-01T10:30:00/);
    assert.is(await pointerProblem(base, publicKey), undefined);
  });
});

test('a pointer altered in the bucket is never signed: its bytes get no signature on the way out', async () => {
  let tampered: Buffer | undefined;
  let signedTampered = 0;
  const watch =
    (base: Store, publicKey: PublicKey): AroundCall =>
    async (op, key, fn) => {
      const result = await fn();
      const sig = tampered && key === SIG && op === 'put' ? await getBodyIfExists(base, SIG) : undefined;
      if (sig && checkSignature(tampered!, sig.toString('utf8'), publicKey) === undefined)
        signedTampered += 1;
      return result;
    };
  await withSignedStore(watch, async ({ base, publicKey, run }) => {
    await run('2026-03-01T10:00:00Z');
    // someone with the bucket's credentials but not the key moves checkedAt
    const pointer = String(await getBodyIfExists(base, KEYS.latestManifest));
    tampered = Buffer.from(
      pointer.replace(/"checkedAt":\s*"[^"]*"/, '"checkedAt":"2030-01-01T00:00:00.000Z"'),
    );
    assert.is.not(tampered.toString(), pointer);
    await base.put(KEYS.latestManifest, tampered, 'application/json');
    assert.match(String(await pointerProblem(base, publicKey)), /does not match/);
    await run('2026-03-01T10:30:00Z');
    assert.is(signedTampered, 0);
    assert.is(await pointerProblem(base, publicKey), undefined, 'the run wrote and signed its own pointer');
  });
});

test.run();
