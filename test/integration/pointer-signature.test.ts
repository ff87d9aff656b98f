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
import { publishRun } from '../../src/publish/publish.js';
import { withManifestSignatures } from '../../src/publish/signing-store.js';
import { createFileStore } from '../../src/store/file-store.js';
import { isNotFound, type Store } from '../../src/store/store.js';
import { type StoreOp, wrapStore } from '../../src/store/wrap-store.js';
import { fixedPublishDeps } from '../helpers/publish-deps.js';
import { buildRenderInventory } from '../helpers/render-inventory.js';

const WRITES: ReadonlySet<StoreOp> = new Set(['put', 'create', 'replace', 'delete']);
const SIG = signatureKey(KEYS.latestManifest);

async function readOrNone(store: Store, key: string): Promise<Buffer | undefined> {
  try {
    return (await store.get(key)).body;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** What is wrong with the pointer's signature now; undefined while there is no pointer or it verifies. */
async function pointerProblem(store: Store, publicKey: ReturnType<typeof generateKeyPairSync>['publicKey']) {
  const pointer = await readOrNone(store, KEYS.latestManifest);
  if (!pointer) return undefined;
  const sig = await readOrNone(store, SIG);
  return sig ? checkSignature(pointer, sig.toString('utf8'), publicKey) : 'no signature';
}

test('the pointer verifies after every write of a first run, an unchanged run and a switch', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-pointer-sig-'));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const base = createFileStore(dir);
  const seen: string[] = [];
  let pointerWrites = 0;
  const observed = wrapStore(base, async (op, key, fn) => {
    const result = await fn();
    if (WRITES.has(op)) {
      if (key === KEYS.latestManifest) pointerWrites += 1;
      const problem = await pointerProblem(base, publicKey);
      if (problem) seen.push(`after ${op} ${key}: ${problem}`);
    }
    return result;
  });
  const store = withManifestSignatures(observed, privateKey);
  try {
    const inventory = buildRenderInventory();
    const run = (at: string, inv = inventory) => publishRun(fixedPublishDeps(store, inv, at));
    assert.is((await run('2026-03-01T10:00:00Z')).outcome, 'published');
    assert.is((await run('2026-03-01T10:30:00Z')).outcome, 'unchanged');
    const fewer = { ...inventory, resources: inventory.resources.slice(1) };
    assert.is((await run('2026-03-01T11:00:00Z', fewer)).outcome, 'published');
    assert.ok(pointerWrites >= 3, `${pointerWrites} pointer writes`);
    assert.equal(seen, []);
  } finally {
    await base.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a run that dies after the pointer write, before its signature is rewritten, leaves it verifying', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-pointer-sig-'));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const base = createFileStore(dir);
  let pointerWritten = false;
  let failing = false;
  const dying = wrapStore(base, async (op, key, fn) => {
    if (failing && pointerWritten && op === 'put' && key === SIG) throw new Error('killed');
    const result = await fn();
    if (failing && key === KEYS.latestManifest && op !== 'get') pointerWritten = true;
    return result;
  });
  const store = withManifestSignatures(dying, privateKey);
  try {
    const inventory = buildRenderInventory();
    await publishRun(fixedPublishDeps(store, inventory, '2026-03-01T10:00:00Z'));
    failing = true;
    // the unchanged run rewrites the pointer (checkedAt), then dies where its signature's last write would be
    const died = await publishRun(fixedPublishDeps(store, inventory, '2026-03-01T10:30:00Z')).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(died instanceof Error, 'the run failed');
    assert.ok(pointerWritten, 'it got as far as the pointer');
    assert.match(String(await readOrNone(base, KEYS.latestManifest)), /2026-03-01T10:30:00/);
    assert.is(await pointerProblem(base, publicKey), undefined);
  } finally {
    await base.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test('a pointer altered in the bucket is never signed: its bytes get no signature on the way out', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-pointer-sig-'));
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const base = createFileStore(dir);
  let tampered: Buffer | undefined;
  let signedTampered = 0;
  const observed = wrapStore(base, async (op, key, fn) => {
    const result = await fn();
    const sig = tampered && key === SIG && op === 'put' ? await readOrNone(base, SIG) : undefined;
    if (sig && checkSignature(tampered!, sig.toString('utf8'), publicKey) === undefined) signedTampered += 1;
    return result;
  });
  const store = withManifestSignatures(observed, privateKey);
  try {
    const inventory = buildRenderInventory();
    await publishRun(fixedPublishDeps(store, inventory, '2026-03-01T10:00:00Z'));
    // someone with the bucket's credentials but not the key moves checkedAt
    const pointer = String(await readOrNone(base, KEYS.latestManifest));
    tampered = Buffer.from(
      pointer.replace(/"checkedAt":\s*"[^"]*"/, '"checkedAt":"2030-01-01T00:00:00.000Z"'),
    );
    assert.is.not(tampered.toString(), pointer);
    await base.put(KEYS.latestManifest, tampered, 'application/json');
    assert.match(String(await pointerProblem(base, publicKey)), /does not match/);
    await publishRun(fixedPublishDeps(store, inventory, '2026-03-01T10:30:00Z'));
    assert.is(signedTampered, 0);
    assert.is(await pointerProblem(base, publicKey), undefined, 'the run wrote and signed its own pointer');
  } finally {
    await base.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
