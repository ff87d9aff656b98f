/**
 * The server (DESIGN §5) as a fastify app built apart from `listen()`, so tests use `inject()`.
 * Request lifecycle: 405 for anything but GET/HEAD (onRequest, before any body is read) → per-IP rate limit
 * (onRequest, route level) → bearer token (preValidation) → handler → one access-log line and the request
 * metrics (onResponse). Every error leaves through one handler as `{"error","message","code"}`.
 */

import type { Socket } from 'node:net';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyError, LogController } from 'fastify';
import type { Logger } from '../log.js';
import type { StoreReader } from '../store/store.js';
import { registerBucketRoutes } from './bucket-routes.js';
import type { ServeConfig } from './config.js';
import type { DocumentCache } from './document-cache.js';
import { registerDocumentRoutes } from './document-routes.js';
import { HttpError, httpErrorFromFastify, sendError } from './errors.js';
import { createServeMetrics, type ServeMetrics } from './metrics.js';
import { registerProbeRoutes } from './probe-routes.js';
import type { TokenSource } from './tokens.js';

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
  /** The store's directory when it is a `file:` store: the bucket tree is then sent with @fastify/static. */
  bucketDir?: string;
  /** Built by the app when not given (tests pass their own to read it). */
  metrics?: ServeMetrics;
}

const AUTHENTICATE = { 'www-authenticate': 'Bearer realm="confluent-sd"' };

function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify({
    error: 'bad_request',
    message: tooLarge ? 'request headers are too large' : 'malformed HTTP request',
    code: status,
  });
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `connection: close\r\n\r\n${body}`,
  );
}

/** One response: counted in the request metrics and written as one access-log line. */
type RecordRequest = (method: string, route: string, status: number, durationMs: number) => void;

function createRecorder(metrics: ServeMetrics, log: Logger): RecordRequest {
  return (method, route, status, durationMs) => {
    metrics.observeRequest(route, method, status, durationMs / 1000);
    // the access log: never headers, so a token cannot reach it
    log.info({ method, route, status, durationMs }, 'request');
  };
}

function createFastify(log: Logger, record: RecordRequest) {
  return Fastify({
    loggerInstance: log,
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

function setErrorHandlers(app: ServeApp, log: Logger): void {
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
  app.setNotFoundHandler((_request, reply) => sendError(reply, 'not_found', 'no such route'));
}

/** 405 for anything but GET and HEAD, before any body is read; `Connection: close` once the app is closing. */
function addMethodGuard(app: ServeApp): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (request, reply) => {
    if (closing) reply.header('connection', 'close');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      reply.header('allow', 'GET, HEAD');
      throw new HttpError('method_not_allowed', `${request.method} is not allowed; this server is read-only`);
    }
  });
}

function addBearerAuth(app: ServeApp, config: ServeConfig, tokens: TokenSource): void {
  app.addHook('preValidation', async (request) => {
    if (config.auth === 'off' || request.routeOptions.config.public) return;
    if (!tokens.isAuthorized(request.headers.authorization)) {
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

function registerRateLimit(app: ServeApp, perMinute: number): void {
  app.register(rateLimit, {
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => request.ip,
    errorResponseBuilder: (_request, ctx) =>
      new HttpError(
        'rate_limited',
        `more than ${ctx.max} requests per minute from this address; retry in ${ctx.after}`,
      ),
  });
}

export function buildApp(deps: ServeDeps) {
  const { config, log, documents, tokens } = deps;
  const now = deps.now ?? (() => new Date());
  const metrics = deps.metrics ?? createServeMetrics({ version: deps.version, documents, now });
  const record = createRecorder(metrics, log);
  const app = createFastify(log, record);
  setErrorHandlers(app, log);
  addMethodGuard(app);
  addBearerAuth(app, config, tokens);
  addAccessLog(app, record);
  if (config.rateLimitPerMinute > 0) registerRateLimit(app, config.rateLimitPerMinute);
  // routes in a plugin registered after the rate limiter, so its onRoute hook sees every one of them
  app.register(async (instance) => {
    registerProbeRoutes(instance, { documents, metrics, version: deps.version, now });
    registerDocumentRoutes(instance, documents);
    await registerBucketRoutes(instance, {
      store: deps.store,
      ...(deps.bucketDir ? { bucketDir: deps.bucketDir } : {}),
    });
  });
  return app;
}
