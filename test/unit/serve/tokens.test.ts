import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSilentLogger } from '../../../src/log.js';
import { createTokenSource, parseTokenFile, tokenFromHeader } from '../../../src/serve/tokens.js';
import { waitFor } from '../../helpers/poll.js';
import { createServeFixture, publishInfoRun } from '../../helpers/serve-app.js';

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

/** A server app whose only tokens are those of a file in a temp dir, holding `text`, polled every 10 ms. */
async function withTokenFile(text: string) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-tokens-'));
  const file = path.join(dir, 'token');
  await writeFile(file, text);
  const f = await createServeFixture({
    config: { bearerTokens: [], bearerTokenFile: file },
    tokenPollMs: 10,
  });
  return { dir, file, f };
}

test('token rotation through the file: old token 401, new token 200, no restart', async () => {
  const { dir, file, f } = await withTokenFile(`${A}\n`);
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

test('a connection remembers the header it was authorized with, and forgets it when the tokens change', () => {
  const source = createTokenSource({ tokens: [A], log: createSilentLogger() });
  const one = {};
  const other = {};
  assert.ok(source.isAuthorized(`Bearer ${A}`, one));
  assert.ok(source.isAuthorized(`Bearer ${A}`, one), 'the same header again on the same connection');
  assert.ok(source.isAuthorized(`bearer ${A}`, one), 'another form of a valid token is checked, not refused');
  assert.not.ok(source.isAuthorized(`Bearer ${B}`, one), 'a different header is checked in full');
  assert.not.ok(source.isAuthorized(undefined, one));
  assert.not.ok(source.isAuthorized(`Bearer ${B}`, other));
  assert.not.ok(source.isAuthorized(`Bearer ${B}`, other), 'a refused header is not remembered as valid');
});

test('a token removed from the file is refused on a kept-alive connection that used it', async () => {
  const { dir, file, f } = await withTokenFile(`${A}\n`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    await publishInfoRun(f.writer, {
      runId: '20260101T120000Z',
      combinations: [{ targets: ['api.telemetry.confluent.cloud'], prefix: '' }],
      groups: 3,
    });
    assert.is(await f.documents.reload(), 'loaded');
    await f.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = f.app.server.address() as AddressInfo;
    const ports = new Set<number>();
    // the document route, which the fast path answers
    const get = (token: string) =>
      new Promise<number>((resolve, reject) => {
        const req = http.get(
          {
            host: '127.0.0.1',
            port,
            agent,
            path: '/sd/noprefix--api.telemetry.confluent.cloud.json',
            headers: { authorization: `Bearer ${token}` },
          },
          (res) => {
            ports.add(res.socket.localPort ?? 0);
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
      });
    assert.is(await get(A), 200);
    assert.is(await get(A), 200);
    await writeFile(`${file}.new`, `${B}\n`);
    await rename(`${file}.new`, file);
    await f.tokens.refresh();
    assert.is(await get(A), 401);
    assert.is(await get(B), 200);
    assert.is(ports.size, 1, 'every request went over the one kept-alive connection');
  } finally {
    agent.destroy();
    await f.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test.run();
