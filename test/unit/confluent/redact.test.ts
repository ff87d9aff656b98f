import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRedactor } from '../../../src/confluent/redact.js';
import { basicAuthHeader } from '../../../src/confluent/transport.js';

const KEY = 'ABCDEFGH12345678';
const SECRET = 'cflt/s3cr3t+value=with/slashes';

test('the redactor removes the secret, base64(key:secret) and the Authorization value wherever they appear', () => {
  const redact = createRedactor(KEY, SECRET);
  const b64 = Buffer.from(`${KEY}:${SECRET}`).toString('base64');
  const cases: [string, string, string][] = [
    ['the secret', `invalid secret ${SECRET} for key`, 'invalid secret [redacted] for key'],
    ['the header value', `got ${basicAuthHeader(KEY, SECRET)}!`, 'got [redacted]!'],
    ['base64 alone', `token=${b64}`, 'token=[redacted]'],
    ['base64 without padding', `token=${b64.replace(/=+$/, '')};`, 'token=[redacted];'],
    ['url-encoded secret', `?s=${encodeURIComponent(SECRET)}`, '?s=[redacted]'],
    ['twice', `${SECRET} ${SECRET}`, '[redacted] [redacted]'],
    ['the key id is not a secret', `key ${KEY}`, `key ${KEY}`],
    ['nothing to hide', 'account not found', 'account not found'],
  ];
  for (const [name, text, want] of cases) assert.is(redact(text), want, name);
});

test('an empty secret redacts nothing', () => {
  assert.is(createRedactor('k', '')('some text'), 'some text');
});

test.run();
