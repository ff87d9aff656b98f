import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSilentLogger } from '../../../src/log.js';
import { createTokenSource, parseTokenFile, tokenFromHeader } from '../../../src/serve/tokens.js';
import { waitFor } from '../../helpers/poll.js';
import { createServeFixture } from '../../helpers/serve-app.js';

const A = 'token-a-0123456789abcdef';
const B = 'token-b-0123456789abcdef';

test('tokenFromHeader', () => {
  const cases: [string, string | undefined, string | undefined][] = [
    ['Bearer', `Bearer ${A}`, A],
    ['lower case scheme', `bearer ${A}`, A],
    ['extra spaces', `  Bearer   ${A} `, A],
    ['bare token (Prometheus < 2.48)', A, A],
    ['missing', undefined, undefined],
    ['empty', '', undefined],
    ['scheme only', 'Bearer', 'Bearer'],
    ['other scheme', `Basic ${A}`, undefined],
    ['two tokens', `Bearer ${A} ${B}`, undefined],
  ];
  for (const [name, given, want] of cases) assert.is(tokenFromHeader(given), want, name);
});

test('parseTokenFile: one per line, comments, blank lines, commas, CRLF', () => {
  assert.equal(parseTokenFile(`# rotated 2026-01-01\n${A}\r\n\n  ${B}  \nc1,c2\n`), [A, B, 'c1', 'c2']);
  assert.equal(parseTokenFile(''), []);
});

test('several tokens valid at once; short file tokens ignored', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-tokens-'));
  try {
    const file = path.join(dir, 'token');
    await writeFile(file, `${B}\nshort\n`);
    const source = createTokenSource({ tokens: [A], file, log: createSilentLogger() });
    await source.start();
    try {
      assert.is(source.count(), 2);
      assert.ok(source.isAuthorized(`Bearer ${A}`));
      assert.ok(source.isAuthorized(`Bearer ${B}`));
      assert.not.ok(source.isAuthorized('Bearer short'));
      assert.not.ok(source.isAuthorized(undefined));
    } finally {
      source.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('an unreadable token file fails start with CONFIG_INVALID', async () => {
  const source = createTokenSource({
    tokens: [],
    file: '/nonexistent/confluent-sd/token',
    log: createSilentLogger(),
  });
  try {
    await source.start();
    assert.unreachable('start should throw');
  } catch (err) {
    assert.is((err as { code?: string }).code, 'CONFIG_INVALID');
  } finally {
    source.stop();
  }
});

test('token rotation through the file: old token 401, new token 200, no restart', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-tokens-'));
  const file = path.join(dir, 'token');
  await writeFile(file, `${A}\n`);
  const f = await createServeFixture({
    config: { bearerTokens: [], bearerTokenFile: file },
    tokenPollMs: 10,
  });
  const status = async (token: string) =>
    (await f.app.inject({ url: '/sd', headers: { authorization: `Bearer ${token}` } })).statusCode;
  try {
    // 503: authorized, nothing published yet
    assert.is(await status(A), 503);
    assert.is(await status(B), 401);
    // as a Kubernetes Secret update does: a new file renamed over the old one
    await writeFile(`${file}.new`, `${B}\n`);
    await rename(`${file}.new`, file);
    await waitFor(async () => (await status(B)) === 503, 'the new token to be accepted');
    assert.is(await status(A), 401);
    // both during an overlap window
    await writeFile(file, `${A}\n${B}\n`);
    await waitFor(async () => (await status(A)) === 503, 'both tokens to be accepted');
    assert.is(await status(B), 503);
    // the file vanishing keeps the last tokens rather than locking everybody out
    await rm(file);
    await f.tokens.refresh();
    assert.is(await status(A), 503);
    assert.not.match(f.logText(), A);
    assert.not.match(f.logText(), B);
  } finally {
    await f.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
