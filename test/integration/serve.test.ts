/**
 * The server over real sockets: `confluent-sd serve` over a directory (graceful shutdown with a response in
 * flight, raw traversal attempts), and the app over s3rver (documents and info documents from S3, the bucket tree
 * streamed).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REDACT_PATHS } from '../../src/log.js';
import { buildApp } from '../../src/serve/app.js';
import { serveCommand } from '../../src/serve/command.js';
import { createDocumentCache } from '../../src/serve/document-cache.js';
import { createTokenSource } from '../../src/serve/tokens.js';
import { createFileStore } from '../../src/store/file-store.js';
import { waitFor } from '../helpers/poll.js';
import { startCommand } from '../helpers/run-command.js';
import { createTestS3Store, startS3rver } from '../helpers/s3rver.js';
import { publishInfoRun } from '../helpers/serve-app.js';

const TOKEN = 'integration-token-0123456789';
const TARGET = 'api.telemetry.confluent.cloud';
const COMBINATIONS = [
  { targets: [TARGET], prefix: '' },
  { targets: [TARGET], prefix: 'confluent_' },
];
const DOC = 'confluent--api.telemetry.confluent.cloud';
const RUN = '20260101T120000Z';
const INFO_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Raw bytes over a socket, the answer read until the server closes it. */
function rawSend(port: number, text: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const answer = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(answer.slice(9, 12)), body: answer.slice(answer.indexOf('\r\n\r\n') + 4) });
    });
    socket.write(text);
  });
}

/** One raw request line over a socket, so the path reaches the server exactly as written (no URL normalising). */
function rawGet(port: number, rawPath: string, extraHeader = ''): Promise<{ status: number; body: string }> {
  return rawSend(
    port,
    `GET ${rawPath} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n${extraHeader}Connection: close\r\n\r\n`,
  );
}

test('serve command over a directory: documents, raw traversal attempts, graceful shutdown', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-serve-int-'));
  const tokenFile = path.join(dir, 'token');
  const logStream = new PassThrough();
  const logLines: Record<string, unknown>[] = [];
  let pending = '';
  logStream.on('data', (c: Buffer) => {
    pending += c.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const l of lines) if (l) logLines.push(JSON.parse(l));
  });
  const controller = new AbortController();
  let running: Promise<number> | undefined;
  try {
    const bucket = path.join(dir, 'bucket');
    const store = createFileStore(bucket);
    // a large snapshot document, so a slow reader keeps its response in flight
    const run = await publishInfoRun(store, { runId: RUN, combinations: COMBINATIONS, groups: 5000 });
    await writeFile(path.join(bucket, 'outside.txt'), 'not in the tree\n');
    await writeFile(tokenFile, `${TOKEN}\n`);
    running = startCommand(serveCommand, {
      argv: [],
      env: {
        SD_STORE: `file:${bucket}`,
        SD_LISTEN: '127.0.0.1:0',
        SD_BEARER_TOKEN_FILE: tokenFile,
        SD_RELOAD_INTERVAL_MS: '100',
        SD_WORKERS: '1',
      },
      cwd: dir,
      stdout: new PassThrough(),
      stderr: new PassThrough(),
      signal: controller.signal,
      log: pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, logStream),
    });
    const port = await waitFor(
      () => logLines.find((l) => l.msg === 'server listening')?.port as number | undefined,
      'server listening',
    );
    const base = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => ((await fetch(`${base}/ready`)).status === 200 ? true : undefined),
      '/ready 200',
    );

    // fetch asks for gzip and decompresses: the bytes are the stored ones
    const r = await fetch(`${base}/discovery?targets=${TARGET}&prefix=confluent_`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.is(r.status, 200);
    assert.is(r.headers.get('content-encoding'), 'gzip');
    assert.is(sha(Buffer.from(await r.arrayBuffer())), run.manifest.documents[DOC]!.sha256);
    const etag = r.headers.get('etag')!;
    const again = await fetch(`${base}/sd/${DOC}.json`, {
      headers: { authorization: `Bearer ${TOKEN}`, 'if-none-match': etag },
    });
    assert.is(again.status, 304);
    assert.is((await fetch(`${base}/sd/${DOC}.json`)).status, 401);
    // the info document, as a Prometheus scrape asks for it (gzip)
    const info = await fetch(`${base}/sd/${DOC}.info.prom`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(
      [info.status, info.headers.get('content-type'), info.headers.get('content-encoding')],
      [200, INFO_TYPE, 'gzip'],
    );
    assert.is(sha(Buffer.from(await info.arrayBuffer())), run.manifest.documents[DOC]!.info!.sha256);
    assert.is((await fetch(`${base}/sd/${DOC}.info.prom`)).status, 401);

    for (const [raw, status] of [
      ['/latest/../outside.txt', 400],
      ['/latest/%2e%2e/outside.txt', 400],
      ['/latest/..%2foutside.txt', 400],
      ['/snapshots/../../../../../../etc/passwd', 400],
      ['/latest/%00.json', 400],
      ['/latest/..\\outside.txt', 400],
      ['/outside.txt', 404],
    ] as const) {
      const res = await rawGet(port, raw);
      assert.is(res.status, status, raw);
      assert.not.match(res.body, 'not in the tree', raw);
    }
    // what Node's parser rejects before fastify sees it still gets our JSON error body
    const huge = await rawGet(port, `/sd/${DOC}.json`, `X-Junk: ${'x'.repeat(20_000)}\r\n`);
    assert.equal(
      [huge.status, JSON.parse(huge.body)],
      [431, { error: 'bad_request', message: 'request headers are too large', code: 431 }],
    );
    const broken = await rawGet(port, '/sd /x y');
    assert.equal([broken.status, JSON.parse(broken.body).code], [400, 400]);
    // HTTP/1.1 without Host: our JSON error body, logged and counted (Node answered a bare 400 of its own)
    const noHost = await rawSend(port, 'GET /health HTTP/1.1\r\n\r\n');
    assert.equal(
      [noHost.status, JSON.parse(noHost.body)],
      [400, { error: 'bad_request', message: 'an HTTP/1.1 request needs a Host header', code: 400 }],
    );
    assert.ok(logLines.some((l) => l.msg === 'request' && l.route === '/health' && l.status === 400));
    assert.match(
      await (await fetch(`${base}/metrics`)).text(),
      'confluent_sd_http_requests_total{route="/health",method="GET",status="400"} 1',
    );
    const http10 = await rawSend(port, 'GET /health HTTP/1.0\r\n\r\n');
    assert.is(http10.status, 200);

    // graceful shutdown: a response in flight (a paused reader) completes after SIGTERM
    const body = await new Promise<Buffer>((resolve, reject) => {
      const req = http.get(
        `${base}/snapshots/${RUN}/${DOC}.json`,
        { headers: { authorization: `Bearer ${TOKEN}` } },
        (res) => {
          res.pause();
          controller.abort(new Error('received SIGTERM'));
          void waitFor(
            () => logLines.find((l) => l.msg === 'server shutting down'),
            'shutdown to begin',
          ).then(() => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks)));
            res.resume();
          }, reject);
        },
      );
      req.on('error', reject);
    });
    assert.ok(body.equals(run.bodies.get(DOC)!));
    assert.is(await running, 0);
    running = undefined;
    assert.ok(logLines.some((l) => l.msg === 'server stopped'));
    // new connections are refused once stopped
    const refused = await fetch(`${base}/health`).then(
      () => 'answered',
      (err: Error & { cause?: { code?: string } }) => err.cause?.code,
    );
    assert.is(refused, 'ECONNREFUSED');
    assert.not.match(JSON.stringify(logLines), TOKEN);
  } finally {
    controller.abort();
    await running?.catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
});

test('serve from s3rver: documents, 304, gzip, the bucket tree streamed', async () => {
  const s3 = await startS3rver();
  const store = createTestS3Store(s3, 'sd');
  const log = pino({ level: 'silent' });
  const documents = createDocumentCache({ store, log, intervalMs: 60_000 });
  const tokens = createTokenSource({ tokens: [TOKEN], log });
  const app = buildApp({
    config: {
      host: '127.0.0.1',
      port: 0,
      auth: 'on',
      bearerTokens: [TOKEN],
      rateLimitPerMinute: 100,
      reloadIntervalMs: 60_000,
      maxConnections: 1024,
      maxConnectionsPerClient: 64,
      maxDocumentBytes: 64 * 1024 * 1024,
      workers: 1,
    },
    store,
    log,
    version: '0.0.0-test',
    documents,
    tokens,
  });
  try {
    const ready0 = await app.inject({ url: '/ready' });
    assert.is(ready0.statusCode, 503);
    assert.is(await documents.reload(), 'empty');
    const run = await publishInfoRun(store, { runId: RUN, combinations: COMBINATIONS, groups: 100 });
    assert.is(await documents.reload(), 'loaded');
    assert.is(await documents.reload(), 'unchanged');
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const auth = { authorization: `Bearer ${TOKEN}` };

    const plain = await fetch(`${base}/sd/${DOC}.json`, {
      headers: { ...auth, 'accept-encoding': 'identity' },
    });
    assert.is(plain.status, 200);
    assert.is(plain.headers.get('content-type'), 'application/json');
    const bytes = Buffer.from(await plain.arrayBuffer());
    assert.ok(bytes.equals(run.bodies.get(DOC)!));
    const n304 = await fetch(`${base}/sd/${DOC}.json`, {
      headers: { ...auth, 'if-none-match': plain.headers.get('etag')! },
    });
    assert.is(n304.status, 304);
    // gzip on the wire, checked without fetch's transparent decoding
    const gz = await new Promise<{ enc?: string; body: Buffer }>((resolve, reject) => {
      http
        .get(
          `${base}/discovery?targets=${TARGET}&prefix=confluent_`,
          { headers: { ...auth, 'accept-encoding': 'gzip' } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({ enc: res.headers['content-encoding'], body: Buffer.concat(chunks) }),
            );
          },
        )
        .on('error', reject);
    });
    assert.is(gz.enc, 'gzip');
    assert.ok(gunzipSync(gz.body).equals(run.bodies.get(DOC)!));

    // the info document, read from S3 with its document
    const info = await fetch(`${base}/sd/${DOC}.info.prom`, {
      headers: { ...auth, 'accept-encoding': 'identity' },
    });
    assert.equal([info.status, info.headers.get('content-type')], [200, INFO_TYPE]);
    assert.ok(Buffer.from(await info.arrayBuffer()).equals(run.infos.get(DOC)!));
    const info304 = await fetch(`${base}/sd/${DOC}.info.prom`, {
      headers: { ...auth, 'if-none-match': info.headers.get('etag')! },
    });
    assert.is(info304.status, 304);
    const storedInfo = await fetch(`${base}/latest/${DOC}.info.prom`, { headers: auth });
    assert.equal([storedInfo.status, storedInfo.headers.get('content-type')], [200, INFO_TYPE]);
    assert.ok(Buffer.from(await storedInfo.arrayBuffer()).equals(run.infos.get(DOC)!));

    const streamed = await fetch(`${base}/snapshots/${RUN}/${DOC}.json`, { headers: auth });
    assert.is(streamed.status, 200);
    assert.ok(Buffer.from(await streamed.arrayBuffer()).equals(run.bodies.get(DOC)!));
    const tag = streamed.headers.get('etag')!;
    const s304 = await fetch(`${base}/snapshots/${RUN}/${DOC}.json`, {
      headers: { ...auth, 'if-none-match': tag },
    });
    assert.is(s304.status, 304);
    const manifest = await fetch(`${base}/latest/manifest.json`, { headers: auth });
    assert.is(((await manifest.json()) as { runId: string }).runId, RUN);
    const runs = await fetch(`${base}/snapshots/`, { headers: auth });
    assert.equal(await runs.json(), { prefix: 'snapshots/', runs: [RUN] });
    const missing = await fetch(`${base}/snapshots/${RUN}/missing.json`, { headers: auth });
    assert.is(missing.status, 404);
    for (const raw of ['/latest/..%2f..%2fsd/status.json', '/latest/../../sd/status.json']) {
      assert.is((await rawGet(port, raw)).status, 400, raw);
    }
  } finally {
    await documents.stop();
    await app.close();
    await store.close();
    await s3.close();
  }
});

test.run();
