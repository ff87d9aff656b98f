/**
 * The server (DESIGN §5) as a fastify app built apart from `listen()`, so tests use `inject()`.
 * Connections: capped in all and per client, short header and idle timeouts (connection-guard.ts).
 * Request lifecycle: 400 without Host (HTTP/1.1), 405 for anything but GET/HEAD (onRequest, before any body is
 * read; rate-limited as 404s are) → per-IP rate limit (onRequest, route level) → bearer token (preValidation) →
 * handler → one access-log line (debug; warn for a 5xx) and the request metrics (onResponse). Every error leaves
 * through one handler as `{"error","message","code"}`. A document request with a valid token is answered before
 * all of this by the fast path (fast-path.ts), which counts and logs it the same way.
 */

import type { Server } from 'node:http';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyError, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from '../log.js';
import type { StoreReader } from '../store/store.js';
import { registerBucketRoutes } from './bucket-routes.js';
import type { ServeConfig } from './config.js';
import { type ConnectionGuard, guardConnections } from './connection-guard.js';
import type { DocumentCache } from './document-cache.js';
import { registerDocumentRoutes } from './document-routes.js';
import { answerClientError, HttpError, httpErrorFromFastify, sendError } from './errors.js';
import { type FastPathDeps, type NodeHandler, withFastPath } from './fast-path.js';
import { createHttpServer, TIMEOUTS } from './http-server.js';
import { createServeMetrics, type ServeMetrics } from './metrics.js';
import { registerProbeRoutes } from './probe-routes.js';
import { asPluginStore, RateWindow } from './rate-window.js';
import type { TlsServing } from './tls.js';
import type { TokenSource } from './tokens.js';
import type { WorkerLink } from './worker-link.js';

export { TIMEOUTS } from './http-server.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No bearer token needed (probes and metrics). */
    public?: boolean;
  }
}

export interface ServeDeps {
  config: ServeConfig;
  store: StoreReader;
  log: Logger;
  version: string;
  documents: DocumentCache;
  tokens: TokenSource;
  now?: () => Date;
  /** The store's directory when it is a `file:` store: the bucket tree is then read from it (bucket-routes.ts). */
  bucketDir?: string;
  /** Built by the app when not given (tests pass their own to read it). */
  metrics?: ServeMetrics;
  /** HTTPS from SD_WEB_CONFIG_FILE (tls.ts); plain HTTP without. The server is made by node-server.ts. */
  tls?: TlsServing;
  /** false: every request through fastify, none through the document fast path (tests compare the two). */
  fastPath?: boolean;
  /** In a cluster worker: `/metrics` answers every worker's metrics, aggregated by the primary. */
  clusterMetrics?: Pick<WorkerLink, 'metricsText' | 'serveMetrics'>;
}

const AUTHENTICATE = { 'www-authenticate': 'Bearer realm="confluent-sd"' };

/** One response: counted in the request metrics and written as one access-log line. */
type RecordRequest = (method: string, route: string, status: number, durationMs: number) => void;

/**
 * The access log is at `debug` (a scrape storm must not write a line per request at `info`; the request metrics
 * count every answer); a 5xx is a `warn`. Never headers, so a token cannot reach it.
 */
function createRecorder(metrics: ServeMetrics, log: Logger): RecordRequest {
  return (method, route, status, durationMs) => {
    metrics.observeRequest(route, method, status, durationMs / 1000);
    if (status >= 500) log.warn({ method, route, status, durationMs }, 'request');
    else if (log.isLevelEnabled('debug')) log.debug({ method, route, status, durationMs }, 'request');
  };
}

function createFastify(
  log: Logger,
  record: RecordRequest,
  wrap: (handler: NodeHandler) => NodeHandler,
  tls: TlsServing | undefined,
) {
  return Fastify({
    loggerInstance: log,
    // the server with our timeouts (http-server.ts; HTTPS when SD_WEB_CONFIG_FILE is set, node-server.ts), the
    // document fast path in front of fastify's handler
    serverFactory: (handler) => createHttpServer(wrap(handler), tls) as Server,
    // one access-log line of our own per response (onResponse), without headers
    logController: new LogController({ disableRequestLogging: true }),
    // document names are up to 250 characters (DOCUMENT_NAME_RE) plus ".json"
    routerOptions: { maxParamLength: 300 },
    // fastify's own 503 body is not ours; while closing, requests on open connections are still answered
    // (with `Connection: close`, see addMethodGuard), which is what an in-flight Prometheus refresh wants
    return503OnClosing: false,
    // requests Node's HTTP parser rejects (headers over 16 KiB, broken request lines) never become fastify
    // requests: answer them with our error body too
    clientErrorHandler: answerClientError,
    // malformed URLs never reach the hooks: answer and record them here
    frameworkErrors: (err, request, reply) => {
      const { error, message } = httpErrorFromFastify(err);
      sendError(reply, error, message);
      record(request.method, 'bad_url', reply.statusCode, 0);
    },
  });
}

type ServeApp = ReturnType<typeof createFastify>;

function setErrorHandlers(app: ServeApp, log: Logger, limit: () => Limit): void {
  app.setErrorHandler((err: FastifyError | HttpError, request, reply) => {
    if (err instanceof HttpError) {
      for (const [k, v] of Object.entries(err.headers)) reply.header(k, v);
      return sendError(reply, err.error, err.message, err.extra);
    }
    const { error, message } = httpErrorFromFastify(err);
    if (error === 'internal')
      log.error({ err, method: request.method, route: request.routeOptions.url }, 'request failed');
    return sendError(reply, error, message);
  });
  // unknown paths are rate-limited like every route but the probes
  app.setNotFoundHandler(async (request, reply) => {
    await limit()(request, reply);
    return sendError(reply, 'not_found', 'no such route');
  });
}

/** Counts a request against the client's rate limit (a no-op without one); throws the 429. */
type Limit = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/**
 * 400 for an HTTP/1.1 request without Host, 405 for anything but GET and HEAD, both before any body is read and
 * rate-limited; `Connection: close` once the app is closing.
 */
function addMethodGuard(app: ServeApp, limit: () => Limit): () => boolean {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (closing) reply.header('connection', 'close');
    if (request.raw.httpVersion === '1.1' && request.headers.host === undefined) {
      await limit()(request, reply);
      throw new HttpError(
        'bad_request',
        'an HTTP/1.1 request needs a Host header',
        {},
        { connection: 'close' },
      );
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      await limit()(request, reply);
      reply.header('allow', 'GET, HEAD');
      throw new HttpError('method_not_allowed', `${request.method} is not allowed; this server is read-only`);
    }
  });
  return () => closing;
}

function addBearerAuth(app: ServeApp, config: ServeConfig, tokens: TokenSource): void {
  app.addHook('preValidation', async (request) => {
    if (config.auth === 'off' || request.routeOptions.config.public) return;
    if (!tokens.isAuthorized(request.headers.authorization, request.raw.socket)) {
      throw new HttpError('unauthorized', 'a valid bearer token is required', {}, AUTHENTICATE);
    }
  });
}

function addAccessLog(app: ServeApp, record: RecordRequest): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.is404 ? 'not_found' : (request.routeOptions.url ?? 'unknown');
    const durationMs = Math.round(reply.elapsedTime * 1000) / 1000;
    record(request.method, route, reply.statusCode, durationMs);
  });
}

/** Registers the per-IP rate limit; the returned function gives its hook once the plugin is loaded. */
function registerRateLimit(app: ServeApp, window: RateWindow | undefined): () => Limit {
  let limit: Limit = async () => undefined;
  if (!window) return () => limit;
  app.register(rateLimit, {
    max: window.max,
    timeWindow: window.windowMs,
    // the windows the fast path counts in too
    store: asPluginStore(window),
    keyGenerator: (request) => request.ip,
    errorResponseBuilder: (_request, ctx) =>
      new HttpError(
        'rate_limited',
        `more than ${ctx.max} requests per minute from this address; retry in ${ctx.after}`,
      ),
  });
  app.after(() => {
    const hook = app.rateLimit();
    // the plugin's own hook, so a 404 or 405 counts in the same window as every other answer
    limit = (request, reply) => hook.call(app, request as never, reply as never);
  });
  return () => limit;
}

export function buildApp(deps: ServeDeps) {
  const { config, log, documents, tokens } = deps;
  const now = deps.now ?? (() => new Date());
  let connections: ConnectionGuard | undefined;
  const metrics =
    deps.metrics ??
    createServeMetrics({ version: deps.version, documents, now, connections: () => connections?.stats() });
  const cluster = deps.clusterMetrics;
  cluster?.serveMetrics(metrics.registry);
  const record = createRecorder(metrics, log);
  const rateWindow =
    config.rateLimitPerMinute > 0 ? new RateWindow(config.rateLimitPerMinute, 60_000) : undefined;
  const fast: FastPathDeps = { documents, tokens, auth: config.auth, record, isClosing: () => false };
  if (rateWindow) fast.rateWindow = rateWindow;
  const app = createFastify(
    log,
    record,
    (handler) => (deps.fastPath === false ? handler : withFastPath(handler, fast)),
    deps.tls,
  );
  connections = guardConnections(app.server, config, log, TIMEOUTS.headersMs);
  const limit = registerRateLimit(app, rateWindow);
  setErrorHandlers(app, log, limit);
  fast.isClosing = addMethodGuard(app, limit);
  addBearerAuth(app, config, tokens);
  addAccessLog(app, record);
  // routes in a plugin registered after the rate limiter, so its onRoute hook sees every one of them
  app.register(async (instance) => {
    registerProbeRoutes(instance, {
      documents,
      metrics,
      version: deps.version,
      now,
      showsDetail: (request) => config.auth === 'off' || tokens.isAuthorized(request.headers.authorization),
      ...(cluster ? { metricsText: () => cluster.metricsText(metrics.registry) } : {}),
    });
    registerDocumentRoutes(instance, documents);
    await registerBucketRoutes(instance, {
      store: deps.store,
      ...(deps.bucketDir ? { bucketDir: deps.bucketDir } : {}),
    });
  });
  return app;
}
