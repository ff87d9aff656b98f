/**
 * `confluent-sd serve`: the server of DESIGN §5. Starts even when the store is unreachable or empty (`/ready`
 * answers 503 until a manifest is loaded); refuses to start without a bearer token unless SD_AUTH=off.
 * Shuts down gracefully when aborted (SIGTERM/SIGINT): stops polling, lets in-flight requests finish.
 */
import cluster from 'node:cluster';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type CommandContext, defineCommand, parseCommandArgs } from '../command.js';
import { AppError, EXIT } from '../errors.js';
import { type Logger, logPart } from '../log.js';
import { type StoreConfig, storePart } from '../store/config.js';
import { createFileStore } from '../store/file-store.js';
import { withReaderRetry } from '../store/retrying-store.js';
import type { StoreReader } from '../store/store.js';
import { VERSION } from '../version.js';
import type { ServeDeps } from './app.js';
import { type Address, resolveWorkers, startPrimary } from './cluster.js';
import { type ServeConfig, servePart } from './config.js';
import { createDocumentCache, type DocumentCache } from './document-cache.js';
import { loadTls, type TlsServing } from './tls.js';
import { createTokenSource, type TokenSource } from './tokens.js';
import { loadWebConfig } from './web-config.js';
import { createWorkerLink } from './worker-link.js';

const HELP = `usage: confluent-sd serve

Serves the published http_sd documents from memory (refreshed when latest/manifest.json changes), the bucket
tree read-only for auditors (/latest/…, /snapshots/…, /status.json), /health, /ready and /metrics.

endpoints: GET /discovery?targets=a,b&prefix=p · GET /sd/<name>.json · GET /sd · GET /latest/… · GET /snapshots/…
  GET /status.json · GET /health · GET /ready · GET /metrics (the last three need no token)

reads: SD_STORE, S3_ENDPOINT, AWS_REGION (+ AWS credential chain), SD_LISTEN, SD_AUTH, SD_BEARER_TOKENS,
  SD_BEARER_TOKEN_FILE, SD_RATE_LIMIT, SD_RELOAD_INTERVAL_MS, SD_MAX_CONNECTIONS, SD_MAX_CONNECTIONS_PER_CLIENT,
  SD_MAX_DOCUMENT_BYTES, SD_WORKERS, SD_WEB_CONFIG_FILE (TLS), SD_CONFIG_FILE, LOG_LEVEL, LOG_FORMAT

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

const PARTS = { serve: servePart, store: storePart, log: logPart };
type ServeContext = CommandContext<void, { serve: ServeConfig; store: StoreConfig; log: unknown }>;

/** The bearer tokens, read once; refuses to start without one unless SD_AUTH=off. */
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
  return tokens;
}

async function openStore(ctx: ServeContext): Promise<StoreReader> {
  return withReaderRetry(await createServeStore(ctx.config.store), {
    retries: STORE_RETRIES,
    log: ctx.log,
    minTimeoutMs: 200,
  });
}

function createCache(ctx: ServeContext, store: StoreReader, onReload?: () => void): DocumentCache {
  return createDocumentCache({
    store,
    log: ctx.log,
    intervalMs: ctx.config.serve.reloadIntervalMs,
    maxDocumentBytes: ctx.config.serve.maxDocumentBytes,
    ...(onReload ? { onReload } : {}),
  });
}

type AppDeps = Pick<ServeDeps, 'documents' | 'tokens' | 'store'> & Partial<ServeDeps>;

/** HTTPS from SD_WEB_CONFIG_FILE, its certificate files polled as often as the manifest; undefined: plain HTTP. */
async function startTls(ctx: ServeContext): Promise<TlsServing | undefined> {
  const file = ctx.config.serve.webConfigFile;
  if (file === undefined) return undefined;
  return loadTls(await loadWebConfig(file), ctx.log, ctx.config.serve.reloadIntervalMs);
}

/** The app, listening; fastify is loaded only by a process that answers requests (not a cluster's primary). */
async function listenApp(ctx: ServeContext, deps: AppDeps) {
  const { buildApp } = await import('./app.js');
  const { config, log } = ctx;
  const app = buildApp({
    config: capConnections(config.serve, await readOpenFileLimit(), log),
    log,
    version: VERSION,
    ...(config.store.kind === 'file' ? { bucketDir: config.store.dir } : {}),
    ...deps,
  });
  await app.listen({ host: config.serve.host, port: config.serve.port });
  return app;
}

function logListening(ctx: ServeContext, address: Address, store: StoreReader, more = {}): void {
  const { auth, webConfigFile } = ctx.config.serve;
  const scheme = webConfigFile === undefined ? 'http' : 'https';
  ctx.log.info(
    { address: address.address, port: address.port, scheme, store: store.location, auth, ...more },
    'server listening',
  );
}

/** One process: loads the documents and answers every request (SD_WORKERS=1). */
async function serveSingle(ctx: ServeContext, tokens: TokenSource): Promise<void> {
  const store = await openStore(ctx);
  const documents = createCache(ctx, store);
  let app: Awaited<ReturnType<typeof listenApp>> | undefined;
  try {
    const tls = await startTls(ctx);
    app = await listenApp(ctx, { store, documents, tokens, ...(tls ? { tls } : {}) });
    logListening(ctx, app.server.address() as AddressInfo, store, { workers: 1 });
    // after listen: /ready answers 503 with the reason while the first load waits on a slow store
    await documents.start();
    await waitForAbort(ctx.signal);
    ctx.log.info('server shutting down');
  } finally {
    await documents.stop();
    tokens.stop();
    // in-flight requests finish; idle keep-alive connections are closed; new requests get 503
    await app?.close();
    await store.close();
  }
}

/** The CLI script a worker runs: this build's cli.js (cli.ts under tsx). */
function cliScript(): string {
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`../cli${ext}`, import.meta.url));
}

/** A cluster's primary: loads and verifies the documents, sends them to `workers` workers that answer requests. */
async function servePrimary(ctx: ServeContext, workers: number): Promise<void> {
  // a bad web config stops the start here (exit 2), not in every worker; the workers load it themselves
  if (ctx.config.serve.webConfigFile !== undefined) await loadWebConfig(ctx.config.serve.webConfigFile);
  const store = await openStore(ctx);
  const env = Object.fromEntries(
    Object.entries(ctx.env).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
  const primary = startPrimary({ workers, exec: cliScript(), env, log: ctx.log, signal: ctx.signal });
  const documents: DocumentCache = createCache(ctx, store, () => primary.broadcast(documents));
  try {
    const address = await Promise.race([primary.listening, waitForAbort(ctx.signal)]);
    if (address) logListening(ctx, address, store, { workers });
    await documents.start();
    await waitForAbort(ctx.signal);
    ctx.log.info('server shutting down');
  } finally {
    await documents.stop();
    await primary.stop();
    await store.close();
  }
}

/** A cluster's worker: the documents from the primary, the bucket tree from the store, its own tokens. */
async function serveWorker(ctx: ServeContext): Promise<void> {
  const tokens = await startTokens(ctx.config.serve, ctx.log);
  const store = await openStore(ctx);
  const link = createWorkerLink();
  let app: Awaited<ReturnType<typeof listenApp>> | undefined;
  try {
    const tls = await startTls(ctx);
    const served = { store, documents: link.documents, tokens, clusterMetrics: link };
    app = await listenApp(ctx, { ...served, ...(tls ? { tls } : {}) });
    await waitForAbort(ctx.signal);
  } finally {
    tokens.stop();
    await app?.close();
    await store.close();
    link.close();
    // the IPC channel would keep the worker alive after its server closed
    process.disconnect?.();
  }
}

export const serveCommand = defineCommand({
  summary: 'the server: SD documents behind a bearer token, /health, /ready, /metrics',
  help: HELP,
  parseArgs: (argv: string[]) => {
    parseCommandArgs(argv, {});
  },
  config: PARTS,
  async run(ctx) {
    const { config, log } = ctx;
    if (cluster.isWorker) {
      await serveWorker({ ...ctx, log: log.child({ worker: cluster.worker?.id }) });
      return EXIT.ok;
    }
    const tokens = await startTokens(config.serve, log);
    if (config.serve.auth === 'off') log.warn('SD_AUTH=off: every endpoint is open without a token');
    const workers = await resolveWorkers(config.serve.workers);
    if (workers > 1) {
      tokens.stop();
      await servePrimary(ctx, workers);
    } else {
      await serveSingle(ctx, tokens);
    }
    log.info('server stopped');
    return EXIT.ok;
  },
});
