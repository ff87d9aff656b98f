/** `verify`'s tamper control: the detached Ed25519 signature next to each manifest (bucket/signature.ts). */
import type { KeyObject } from 'node:crypto';
import { checkSignature, signatureKey } from '../bucket/signature.js';
import { getBodyIfExists, type StoreReader } from '../store/store.js';
import type { VerifyProblem } from './verify-report.js';

/** The problem with the signature of the manifest at `manifestKey`, if any (a missing manifest is not one here). */
export async function checkManifestSignature(
  store: StoreReader,
  manifestKey: string,
  publicKey: KeyObject,
): Promise<VerifyProblem | undefined> {
  const [manifest, sig] = await Promise.all([
    getBodyIfExists(store, manifestKey),
    getBodyIfExists(store, signatureKey(manifestKey)),
  ]);
  if (!manifest) return undefined;
  const key = signatureKey(manifestKey);
  if (!sig) return { key, kind: 'signature', message: 'missing: the manifest is not signed' };
  const problem = checkSignature(manifest, sig.toString('utf8'), publicKey);
  return problem === undefined ? undefined : { key, kind: 'signature', message: problem };
}
