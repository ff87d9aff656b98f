/** `/health` (liveness), `/ready` (a document set is loaded) and `/metrics`: no token, no rate limit. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DocumentCache } from './document-cache.js';
import type { ServeMetrics } from './metrics.js';

export interface ProbeDeps {
  documents: DocumentCache;
  metrics: ServeMetrics;
  version: string;
  now: () => Date;
  /** Whether the request may see why a reload failed in full (a valid token, or SD_AUTH=off). */
  showsDetail: (request: FastifyRequest) => boolean;
  /** The text of `/metrics` (a cluster worker asks the primary for every worker's); the registry's own when unset. */
  metricsText?: () => Promise<string>;
}

/**
 * Ready once a document set is loaded. The reason names the failure in a few words for anyone (probes need no
 * token); the store location and the error text only with `detail` (and always in the log).
 */
export function readiness(documents: DocumentCache, detail = false): { ready: boolean; reason: string } {
  const set = documents.current();
  const { lastError, lastReason } = documents.state();
  const why = detail ? lastError : lastReason;
  if (!set) return { ready: false, reason: why ?? 'no manifest loaded yet' };
  const serving = `serving run ${set.manifest.runId} (${set.byName.size} documents)`;
  // still ready: the last good documents keep being served while the store is unreachable
  return { ready: true, reason: why ? `${serving}; last reload failed: ${why}` : serving };
}

export function registerProbeRoutes(app: FastifyInstance, deps: ProbeDeps): void {
  const config = { public: true, rateLimit: false } as const;
  app.get('/health', { config }, async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    return { status: 'healthy', version: deps.version, time: deps.now().toISOString() };
  });
  app.get('/ready', { config }, async (request, reply) => {
    const r = readiness(deps.documents, deps.showsDetail(request));
    reply.code(r.ready ? 200 : 503).header('cache-control', 'no-store');
    return { ready: r.ready, reason: r.reason, version: deps.version };
  });
  app.get('/metrics', { config }, async (_request, reply) => {
    const text = await (deps.metricsText?.() ?? deps.metrics.registry.metrics());
    return reply.header('cache-control', 'no-store').type(deps.metrics.registry.contentType).send(text);
  });
}
