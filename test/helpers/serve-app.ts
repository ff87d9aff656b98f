/**
 * A server app over a real file store in a temp dir, for inject() tests: the app, its document cache, a store that
 * can be switched to "unreachable", and the log lines it wrote.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { AppError } from '../../src/errors.js';
import { REDACT_PATHS } from '../../src/log.js';
import { buildApp } from '../../src/serve/app.js';
import type { ServeConfig } from '../../src/serve/config.js';
import { createDocumentCache, type DocumentCache } from '../../src/serve/document-cache.js';
import { createTokenSource, type TokenSource } from '../../src/serve/tokens.js';
import { createFileStore } from '../../src/store/file-store.js';
import type { Store } from '../../src/store/store.js';

export const TOKEN = 'test-token-0123456789abcdef';
export const AUTH = { authorization: `Bearer ${TOKEN}` };

export interface ServeFixture {
  app: ReturnType<typeof buildApp>;
  dir: string;
  /** The store the app reads (through the outage switch). */
  store: Store;
  /** The store without the switch, for tests to write with. */
  writer: Store;
  documents: DocumentCache;
  tokens: TokenSource;
  setUnreachable(on: boolean): void;
  logs(): Record<string, unknown>[];
  logText(): string;
  close(): Promise<void>;
}

export interface ServeFixtureOptions {
  config?: Partial<ServeConfig>;
  /** Serve the bucket tree with @fastify/static (true) or streamed through the Store (false). */
  staticBucket?: boolean;
  /** Use this store instead of a file store in a temp dir. */
  store?: Store;
  tokenPollMs?: number;
  now?: () => Date;
}

/** Delegates to `inner` unless switched off, then every call fails like an unreachable store. */
export function createSwitchableStore(inner: Store): Store & { setUnreachable(on: boolean): void } {
  let down = false;
  const guard =
    <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> => {
      if (down)
        return Promise.reject(
          new AppError('STORE_UNAVAILABLE', `read ${inner.location}: connect ECONNREFUSED`, {
            retryable: true,
          }),
        );
      return fn(...a);
    };
  return {
    location: inner.location,
    put: guard(inner.put.bind(inner)),
    get: guard(inner.get.bind(inner)),
    getIfChanged: guard(inner.getIfChanged.bind(inner)),
    getStream: guard(inner.getStream.bind(inner)),
    head: guard(inner.head.bind(inner)),
    list: guard(inner.list.bind(inner)),
    delete: guard(inner.delete.bind(inner)),
    check: guard(inner.check.bind(inner)),
    checkWritable: guard(inner.checkWritable.bind(inner)),
    close: () => inner.close(),
    setUnreachable(on) {
      down = on;
    },
  };
}

export async function createServeFixture(options: ServeFixtureOptions = {}): Promise<ServeFixture> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-serve-'));
  const writer = options.store ?? createFileStore(dir);
  const store = createSwitchableStore(writer);
  const config: ServeConfig = {
    host: '127.0.0.1',
    port: 0,
    auth: 'on',
    bearerTokens: [TOKEN],
    rateLimitPerMinute: 0,
    reloadIntervalMs: 60_000,
    ...options.config,
  };
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const log = pino({ level: 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, stream);
  const tokens = createTokenSource({
    tokens: config.bearerTokens,
    ...(config.bearerTokenFile ? { file: config.bearerTokenFile } : {}),
    log,
    pollMs: options.tokenPollMs ?? 20,
  });
  await tokens.start();
  const documents = createDocumentCache({ store, log, intervalMs: config.reloadIntervalMs });
  const app = buildApp({
    config,
    store,
    log,
    version: '1.2.3-test',
    documents,
    tokens,
    ...(options.now ? { now: options.now } : {}),
    ...(options.staticBucket !== false && !options.store ? { bucketDir: dir } : {}),
  });
  await app.ready();
  const logText = () => Buffer.concat(chunks).toString('utf8');
  return {
    app,
    dir,
    store,
    writer,
    documents,
    tokens,
    setUnreachable: (on) => store.setUnreachable(on),
    logText,
    logs: () =>
      logText()
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    async close() {
      tokens.stop();
      await documents.stop();
      await app.close();
      await writer.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
