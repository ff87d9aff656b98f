/**
 * The manifest signing keys (docs/auditors.md, "Tamper evidence"): the publisher signs every manifest it writes
 * with an Ed25519 private key (SD_SIGNING_KEY_FILE, a PEM file mounted from a Secret), and `verify` checks the
 * signatures with the public half (SD_VERIFY_KEY_FILE), which may be handed to anyone. The config holds the paths
 * only; the keys are read and checked once at start (a bad file is CONFIG_INVALID, exit 2) and again where used,
 * so no key material sits in a config object that might be logged.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.js';
import { optionalText } from './fields.js';
import { defineConfigPart } from './part.js';

export interface SigningKeyConfig {
  /** SD_SIGNING_KEY_FILE, resolved; undefined: manifests are written unsigned. */
  signingKeyFile?: string;
}

export interface VerifyKeyConfig {
  /** SD_VERIFY_KEY_FILE, resolved; undefined: `verify` does not check signatures (and says so). */
  verifyKeyFile?: string;
}

function readKey(file: string, variable: string, kind: 'private' | 'public'): KeyObject {
  let key: KeyObject;
  try {
    const pem = readFileSync(file);
    key = kind === 'private' ? createPrivateKey(pem) : createPublicKey(pem);
  } catch (cause) {
    // a file error names the file; a parse error says only that (its text is OpenSSL's, never the key's)
    const code = (cause as NodeJS.ErrnoException).code;
    const fact =
      code !== undefined && !code.startsWith('ERR_') ? `cannot be read (${code})` : `not a PEM ${kind} key`;
    throw new AppError('CONFIG_INVALID', `${variable} ${file}: ${fact}`);
  }
  if (key.asymmetricKeyType !== 'ed25519')
    throw new AppError(
      'CONFIG_INVALID',
      `${variable} ${file}: an ${key.asymmetricKeyType ?? 'unknown'} key, want ed25519`,
    );
  return key;
}

/** The Ed25519 private key of SD_SIGNING_KEY_FILE. */
export function readSigningKey(file: string): KeyObject {
  return readKey(file, 'SD_SIGNING_KEY_FILE', 'private');
}

/** The Ed25519 public key of SD_VERIFY_KEY_FILE (a private key file is accepted: its public half is used). */
export function readVerifyKey(file: string): KeyObject {
  return readKey(file, 'SD_VERIFY_KEY_FILE', 'public');
}

export const signingKeyPart = defineConfigPart(
  { SD_SIGNING_KEY_FILE: optionalText() },
  {
    build: (v, context): SigningKeyConfig => {
      if (!v.SD_SIGNING_KEY_FILE) return {};
      const file = path.resolve(context.cwd, v.SD_SIGNING_KEY_FILE);
      readSigningKey(file);
      return { signingKeyFile: file };
    },
  },
);

export const verifyKeyPart = defineConfigPart(
  { SD_VERIFY_KEY_FILE: optionalText() },
  {
    build: (v, context): VerifyKeyConfig => {
      if (!v.SD_VERIFY_KEY_FILE) return {};
      const file = path.resolve(context.cwd, v.SD_VERIFY_KEY_FILE);
      readVerifyKey(file);
      return { verifyKeyFile: file };
    },
  },
);
