/**
 * The Node server under fastify (its `serverFactory`), with the timeouts fastify would set, around a request
 * handler: fastify's, behind the document fast path (fast-path.ts). HTTP, or HTTPS with `tls` (node-server.ts).
 */
import type http from 'node:http';
import type https from 'node:https';
import type { NodeHandler } from './fast-path.js';
import { createNodeServer } from './node-server.js';
import type { TlsServing } from './tls.js';

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

export function createHttpServer(handler: NodeHandler, tls?: TlsServing): http.Server | https.Server {
  return createNodeServer(
    handler,
    {
      http: {
        // without Host, Node answers a bare 400 itself, unlogged and uncounted: the app's method guard answers it
        requireHostHeader: false,
        headersTimeout: TIMEOUTS.headersMs,
        connectionsCheckingInterval: TIMEOUTS.checkEveryMs,
        requestTimeout: TIMEOUTS.requestMs,
      },
      keepAliveTimeout: TIMEOUTS.keepAliveMs,
      connectionTimeout: TIMEOUTS.socketIdleMs,
    },
    tls,
  );
}
