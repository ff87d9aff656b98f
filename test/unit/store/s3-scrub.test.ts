/** The S3 error scrub (`store/s3-scrub.ts`): every form of the client's secrets out of an error and its causes. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeError } from '../../../src/errors.js';
import { s3Error } from '../../../src/store/s3-errors.js';
import { createScrub, scrubS3Error } from '../../../src/store/s3-scrub.js';

const SECRET = 'aws/Secret+Key=99';
const TOKEN = 'session+token==';
const scrub = createScrub([SECRET, TOKEN, undefined, '']);

test('raw, URL-encoded and base64 forms are replaced; nothing else changes', () => {
  const b64 = Buffer.from(SECRET).toString('base64');
  const text = `a ${SECRET} b ${encodeURIComponent(SECRET)} c ${b64} d ${TOKEN} e`;
  assert.is(scrub(text), 'a [redacted] b [redacted] c [redacted] d [redacted] e');
  assert.is(createScrub([])('unchanged'), 'unchanged');
});

test('a scrubbed copy keeps the name and loses the secrets in message, stack and causes', () => {
  const err = new Error(`echo ${SECRET}`, { cause: new Error(`inner ${TOKEN}`) });
  err.name = 'ServiceUnavailable';
  const copy = scrubS3Error(err, scrub) as Error;
  assert.is(copy.name, 'ServiceUnavailable');
  assert.is(copy.message, 'echo [redacted]');
  assert.is((copy.cause as Error).message, 'inner [redacted]');
  assert.not.match(copy.stack ?? '', SECRET);
  assert.is(err.message, `echo ${SECRET}`, 'the original is left alone');
});

test('s3Error: the message and its cause chain carry no secret', () => {
  const err = Object.assign(new Error(`refused ${SECRET}`), { name: 'AccessDenied' });
  const wrapped = s3Error('put x to s3://b', 'b', err, scrub);
  assert.is(wrapped.code, 'STORE_UNAVAILABLE');
  assert.not.match(describeError(wrapped), SECRET);
  assert.match(describeError(wrapped), 'credentials were refused or lack permission');
});

test.run();
