/**
 * `confluent-sd serve`: the server of DESIGN §5. Starts even when the store is unreachable or empty (`/ready`
 * answers 503 until a manifest is loaded); refuses to start without a bearer token unless SD_AUTH=off.
 * Shuts down gracefully when aborted (SIGTERM/SIGINT): stops polling, lets in-flight requests finish.
 */
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { defineCommand, parseCommandArgs } from '../command.js';
import { AppError, EXIT } from '../errors.js';
import { type Logger, logPart } from '../log.js';
import { type StoreConfig, storePart } from '../store/config.js';
import { createFileStore } from '../store/file-store.js';
import { withReaderRetry } from '../store/retrying-store.js';
import type { StoreReader } from '../store/store.js';
import { VERSION } from '../version.js';
import { buildApp } from './app.js';
import { type ServeConfig, servePart } from './config.js';
import { createDocumentCache } from './document-cache.js';
import { loadTls } from './tls.js';
import { createTokenSource, type TokenSource } from './tokens.js';
import { loadWebConfig } from './web-config.js';

const HELP = `usage: confluent-sd serve

Serves the published http_sd documents from memory (refreshed when latest/manifest.json changes), the bucket
tree read-only for auditors (/latest/…, /snapshots/…, /status.json), /health, /ready and /metrics.

endpoints: GET /discovery?targets=a,b&prefix=p · GET /sd/<name>.json · GET /sd · GET /latest/… · GET /snapshots/…
  GET /status.json · GET /health · GET /ready · GET /metrics (the last three need no token)

reads: SD_STORE, S3_ENDPOINT, AWS_REGION (+ AWS credential chain), SD_LISTEN, SD_AUTH, SD_BEARER_TOKENS,
  SD_BEARER_TOKEN_FILE, SD_RATE_LIMIT, SD_RELOAD_INTERVAL_MS, SD_MAX_CONNECTIONS, SD_MAX_CONNECTIONS_PER_CLIENT,
  SD_MAX_DOCUMENT_BYTES, SD_WEB_CONFIG_FILE (TLS), SD_CONFIG_FILE, LOG_LEVEL, LOG_FORMAT

exit: 0 after a graceful shutdown (SIGTERM/SIGINT) · 1 failed to start · 2 bad configuration or no token`;

/** File descriptors kept free of connections: the store's reads, the token file, stdio, Node's own. */
const SPARE_FILES = 128;

/** The soft open-file limit (`ulimit -n`) from /proc/self/limits; undefined where there is none or it is unlimited. */
async function readOpenFileLimit(): Promise<number | undefined> {
  const text = await readFile('/proc/self/limits', 'utf8').catch(() => '');
  const soft = /^Max open files\s+(\d+)/m.exec(text)?.[1];
  return soft === undefined ? undefined : Number(soft);
}

/** SD_MAX_CONNECTIONS, lowered (with a warning) so that connections alone cannot use up the open-file limit. */
export function capConnections(config: ServeConfig, openFiles: number | undefined, log: Logger): ServeConfig {
  if (openFiles === undefined || config.maxConnections <= openFiles - SPARE_FILES) return config;
  const maxConnections = Math.max(16, openFiles - SPARE_FILES);
  log.warn(
    { configured: config.maxConnections, openFileLimit: openFiles, maxConnections },
    'SD_MAX_CONNECTIONS lowered to stay below the open-file limit (ulimit -n)',
  );
  return { ...config, maxConnections };
}

/** Store calls retried a little: a poll that still fails is retried by the next poll anyway. */
const STORE_RETRIES = 2;

/** The AWS SDK costs start-up time and about 10 MB of memory: it is loaded only for an s3:// store. */
async function createServeStore(config: StoreConfig): Promise<StoreReader> {
  if (config.kind === 'file') return createFileStore(config.dir);
  const { createStore } = await import('../store/create-store.js');
  return createStore(config);
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/** The bearer tokens, read once; CONFIG_INVALID when auth is on and there is none. */
async function startTokens(config: ServeConfig, log: Logger): Promise<TokenSource> {
  const tokens = createTokenSource({
    tokens: config.bearerTokens,
    ...(config.bearerTokenFile ? { file: config.bearerTokenFile } : {}),
    log,
  });
  await tokens.start();
  if (config.auth === 'on' && tokens.count() === 0) {
    tokens.stop();
    throw new AppError(
      'CONFIG_INVALID',
      `SD_BEARER_TOKEN_FILE ${config.bearerTokenFile ?? ''} holds no token of 16 characters or more (or set SD_AUTH=off explicitly)`,
    );
  }
  if (config.auth === 'off') log.warn('SD_AUTH=off: every endpoint is open without a token');
  return tokens;
}

export const serveCommand = defineCommand({
  summary: 'the server: SD documents behind a bearer token, /health, /ready, /metrics',
  help: HELP,
  parseArgs: (argv: string[]) => {
    parseCommandArgs(argv, {});
  },
  config: { serve: servePart, store: storePart, log: logPart },
  async run(ctx) {
    const { config, log } = ctx;
    const webConfig = config.serve.webConfigFile
      ? await loadWebConfig(config.serve.webConfigFile)
      : undefined;
    // the certificate files are polled as often as the manifest
    const tls = webConfig ? await loadTls(webConfig, log, config.serve.reloadIntervalMs) : undefined;
    const tokens = await startTokens(config.serve, log);

    const store = withReaderRetry(await createServeStore(config.store), {
      retries: STORE_RETRIES,
      log,
      minTimeoutMs: 200,
    });
    const documents = createDocumentCache({
      store,
      log,
      intervalMs: config.serve.reloadIntervalMs,
      maxDocumentBytes: config.serve.maxDocumentBytes,
    });
    const app = buildApp({
      config: capConnections(config.serve, await readOpenFileLimit(), log),
      store,
      log,
      version: VERSION,
      documents,
      tokens,
      ...(config.store.kind === 'file' ? { bucketDir: config.store.dir } : {}),
      ...(tls ? { tls } : {}),
    });
    try {
      await app.listen({ host: config.serve.host, port: config.serve.port });
      const address = app.server.address() as AddressInfo;
      log.info(
        {
          address: address.address,
          port: address.port,
          scheme: tls ? 'https' : 'http',
          store: store.location,
          auth: config.serve.auth,
        },
        'server listening',
      );
      // after listen: /ready answers 503 with the reason while the first load waits on a slow store
      await documents.start();
      await waitForAbort(ctx.signal);
      log.info('server shutting down');
    } finally {
      await documents.stop();
      tokens.stop();
      // in-flight requests finish; idle keep-alive connections are closed; new requests get 503
      await app.close();
      await store.close();
    }
    log.info('server stopped');
    return EXIT.ok;
  },
});
