/**
 * The seam between fastify and Node's server: `buildApp` hands `createNodeServer` to fastify as its
 * `serverFactory`, so the app (routes, hooks, `inject()`) does not know whether it is served over HTTP or HTTPS.
 *
 *   Fastify({ serverFactory: (handler, opts) => createNodeServer(handler, opts, deps.tls) })
 *
 * - `handler` is fastify's request listener: whoever wants to wrap the hot path (or run the server in
 *   node:cluster workers) wraps it here, before the server is created; TLS does not look at it.
 * - `opts` are fastify's own options: the `http` ones and the timeouts are applied as fastify applies them to the
 *   server it would have created itself (fastify lib/server.js `getServerInstance`).
 * - `tls` (tls.ts, from SD_WEB_CONFIG_FILE) makes it an `https.Server`, which re-reads its certificate while it runs.
 */
import http from 'node:http';
import https from 'node:https';
import type { TlsServing } from './tls.js';

/** The part of fastify's options fastify applies to a server it creates. */
export interface NodeServerOptions {
  http?: http.ServerOptions;
  keepAliveTimeout?: number;
  requestTimeout?: number;
  connectionTimeout?: number;
}

export function createNodeServer(
  handler: http.RequestListener,
  options: NodeServerOptions,
  tls: TlsServing | undefined,
): http.Server | https.Server {
  const server = tls
    ? https.createServer({ ...options.http, ...tls.serverOptions() }, handler)
    : http.createServer(options.http ?? {}, handler);
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
  if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout;
  if (options.connectionTimeout !== undefined) server.setTimeout(options.connectionTimeout);
  if (tls) tls.attach(server as https.Server);
  return server;
}
