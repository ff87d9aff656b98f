import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isAppError } from '../../../src/errors.js';
import { loadNamedParts } from '../../helpers/config.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'sd-keys-unit-'));
const ed = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const files = {
  private: path.join(dir, 'signing.pem'),
  public: path.join(dir, 'verify.pem'),
  rsa: path.join(dir, 'rsa.pem'),
  junk: path.join(dir, 'junk.pem'),
};
writeFileSync(files.private, ed.privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(files.public, ed.publicKey.export({ type: 'spki', format: 'pem' }));
writeFileSync(files.rsa, rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
writeFileSync(files.junk, 'not a key at all: s3cr3t-looking-text');

function error(env: Record<string, string>, part: 'signing' | 'verify'): string {
  try {
    loadNamedParts(env, [part], dir);
  } catch (err) {
    assert.ok(isAppError(err, 'CONFIG_INVALID'), String(err));
    return (err as Error).message;
  }
  return 'no error';
}

test('signing keys: paths resolved against cwd, unset means off', () => {
  assert.equal(loadNamedParts({}, ['signing', 'verify'], dir), { signing: {}, verify: {} });
  assert.equal(
    loadNamedParts(
      { SD_SIGNING_KEY_FILE: 'signing.pem', SD_VERIFY_KEY_FILE: 'verify.pem' },
      ['signing', 'verify'],
      dir,
    ),
    { signing: { signingKeyFile: files.private }, verify: { verifyKeyFile: files.public } },
  );
  // a private key file serves as the verify key too (its public half)
  assert.equal(loadNamedParts({ SD_VERIFY_KEY_FILE: files.private }, ['verify'], dir).verify, {
    verifyKeyFile: files.private,
  });
});

test('signing keys: a bad file is CONFIG_INVALID naming the variable, never quoting the file', () => {
  const cases: [Record<string, string>, 'signing' | 'verify', string][] = [
    [
      { SD_SIGNING_KEY_FILE: 'missing.pem' },
      'signing',
      `SD_SIGNING_KEY_FILE ${path.join(dir, 'missing.pem')}: cannot be read (ENOENT)`,
    ],
    [
      { SD_SIGNING_KEY_FILE: files.junk },
      'signing',
      `SD_SIGNING_KEY_FILE ${files.junk}: not a PEM private key`,
    ],
    [
      { SD_SIGNING_KEY_FILE: files.public },
      'signing',
      `SD_SIGNING_KEY_FILE ${files.public}: not a PEM private key`,
    ],
    [
      { SD_SIGNING_KEY_FILE: files.rsa },
      'signing',
      `SD_SIGNING_KEY_FILE ${files.rsa}: an rsa key, want ed25519`,
    ],
    [{ SD_VERIFY_KEY_FILE: files.junk }, 'verify', `SD_VERIFY_KEY_FILE ${files.junk}: not a PEM public key`],
  ];
  for (const [env, part, want] of cases) {
    const message = error(env, part);
    assert.is(message, want);
    assert.not.match(message, 's3cr3t');
  }
});

test.after(() => rmSync(dir, { recursive: true, force: true }));
test.run();
