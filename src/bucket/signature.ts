/**
 * Detached manifest signatures (docs/auditors.md, "Tamper evidence"): `<manifest key>.sig` next to every
 * `snapshots/<runId>/manifest.json` and `latest/manifest.json`, an Ed25519 signature over the manifest's exact
 * bytes. A document rewritten together with its sha256 in the manifest then fails `verify`, unless whoever did it
 * also holds the private key, which lives only in the publisher's Secret. Ed25519 is deterministic: the same
 * manifest and key give the same signature bytes, so a retried create finds its own object.
 */
import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './canonical.js';

export const SIGNATURE_SUFFIX = '.sig';
const ALGORITHM = 'ed25519';

export function signatureKey(manifestKey: string): string {
  return `${manifestKey}${SIGNATURE_SUFFIX}`;
}

const signatureSchema = z.object({
  algorithm: z.literal(ALGORITHM),
  keyId: z.string(),
  signature: z.string(),
});

/** The first 16 hex digits of the sha256 of the public key (SPKI DER): names the key without giving it away. */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

/** The `.sig` object's text for `manifestText`. */
export function signManifest(manifestText: string | Buffer, privateKey: KeyObject): string {
  const signature = sign(null, Buffer.from(manifestText), privateKey).toString('base64');
  return canonicalJson({ algorithm: ALGORITHM, keyId: keyIdOf(privateKey), signature });
}

/** Undefined when `sigText` is a valid signature of `manifestText` by `publicKey`, else what is wrong. */
export function checkSignature(
  manifestText: Buffer,
  sigText: string,
  publicKey: KeyObject,
): string | undefined {
  let parsed: z.infer<typeof signatureSchema>;
  try {
    parsed = signatureSchema.parse(JSON.parse(sigText));
  } catch {
    return 'the signature object is not an ed25519 signature of this tool';
  }
  const keyId = keyIdOf(publicKey);
  if (parsed.keyId !== keyId) return `signed by key ${parsed.keyId}, SD_VERIFY_KEY_FILE is key ${keyId}`;
  const ok = verify(null, manifestText, publicKey, Buffer.from(parsed.signature, 'base64'));
  return ok
    ? undefined
    : `the signature does not match the manifest's bytes (altered since key ${keyId} signed it)`;
}
