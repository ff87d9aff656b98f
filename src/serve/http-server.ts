/**
 * The Node HTTP server under fastify (its `serverFactory`), with the timeouts fastify would set, around a request
 * handler: fastify's, behind the document fast path (fast-path.ts).
 */
import http from 'node:http';
import type { NodeHandler } from './fast-path.js';

/**
 * Node lets a connection take 60 s to send its headers, and checks only every 30 s; a flood of half-open
 * connections then holds every file descriptor (issue 14). Headers get 10 s, checked every second; an idle
 * keep-alive connection 5 s, and a socket that moves no byte for 30 s (a client that stopped reading) is closed.
 */
export const TIMEOUTS = {
  headersMs: 10_000,
  requestMs: 30_000,
  keepAliveMs: 5_000,
  socketIdleMs: 30_000,
  checkEveryMs: 1_000,
} as const;

export function createHttpServer(handler: NodeHandler): http.Server {
  const server = http.createServer(
    {
      // without Host, Node answers a bare 400 itself, unlogged and uncounted: the app's method guard answers it
      requireHostHeader: false,
      headersTimeout: TIMEOUTS.headersMs,
      connectionsCheckingInterval: TIMEOUTS.checkEveryMs,
      requestTimeout: TIMEOUTS.requestMs,
    },
    handler,
  );
  server.keepAliveTimeout = TIMEOUTS.keepAliveMs;
  server.setTimeout(TIMEOUTS.socketIdleMs);
  return server;
}
