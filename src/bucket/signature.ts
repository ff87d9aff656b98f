/**
 * Detached manifest signatures (docs/auditors.md, "Tamper evidence"): `<manifest key>.sig` next to every
 * `snapshots/<runId>/manifest.json` and `latest/manifest.json`, an Ed25519 signature over the manifest's exact
 * bytes. A document rewritten together with its sha256 in the manifest then fails `verify`, unless whoever did it
 * also holds the private key, which lives only in the publisher's Secret. Ed25519 is deterministic: the same
 * manifest and key give the same signature bytes, so a retried create finds its own object.
 *
 * `latest/manifest.json` is rewritten in place, and its signature is a second write: the publisher writes the
 * signature first with `previous`, the valid signature the pointer as it is already has (carried over, never made
 * anew: the publisher signs only bytes it wrote), then the pointer, then the signature alone
 * (publish/signing-store.ts). So at every moment, and after a crash between any two of those writes, the `.sig`
 * holds a signature of the pointer's current bytes; a `.sig` counts when either of its two signatures matches.
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
  previous: z.string().optional(),
});

/** The first 16 hex digits of the sha256 of the public key (SPKI DER): names the key without giving it away. */
export function keyIdOf(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return createHash('sha256')
    .update(pub.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 16);
}

const signBytes = (text: string | Buffer, privateKey: KeyObject) =>
  sign(null, Buffer.from(text), privateKey).toString('base64');

/** The `.sig` object's text for `manifestText`; with `previous`, another signature carried along (see above). */
export function signManifest(
  manifestText: string | Buffer,
  privateKey: KeyObject,
  previous?: string,
): string {
  return canonicalJson({
    algorithm: ALGORITHM,
    keyId: keyIdOf(privateKey),
    signature: signBytes(manifestText, privateKey),
    ...(previous === undefined ? {} : { previous }),
  });
}

/** The signature (base64) of `sigText` that is valid for `manifestText` by `publicKey`, or undefined. */
export function validSignatureOf(
  manifestText: Buffer,
  sigText: string,
  publicKey: KeyObject,
): string | undefined {
  const parsed = signatureSchema.safeParse(safeJson(sigText));
  if (!parsed.success || parsed.data.keyId !== keyIdOf(publicKey)) return undefined;
  return [parsed.data.signature, parsed.data.previous].find(
    (s) => s !== undefined && verify(null, manifestText, publicKey, Buffer.from(s, 'base64')),
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
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
  return validSignatureOf(manifestText, sigText, publicKey) !== undefined
    ? undefined
    : `the signature does not match the manifest's bytes (altered since key ${keyId} signed it)`;
}
