/**
 * A worker's side of `serve` with SD_WORKERS > 1 (cluster.ts): the documents come from the primary, which loads and
 * verifies them once and sends each new set whole; the worker swaps it in as one reference, as the single process
 * does. `/metrics` asks the primary, which gathers every worker's registry and answers them aggregated.
 */
import type { Registry } from 'prom-client';
import type { CacheState, DocumentCache, ReloadOutcome } from './document-cache.js';
import type { DocumentSet } from './document-set.js';

/** What the primary sends: the cache's state, and the set when it changed since the last message. */
export interface DocumentsMessage {
  type: 'confluent-sd:documents';
  state: Omit<CacheState, 'set'>;
  set?: DocumentSet;
}

/** A worker asks the primary for the cluster's metrics, or the primary asks a worker for its own. */
export interface MetricsRequest {
  type: 'confluent-sd:metrics-request' | 'confluent-sd:worker-metrics-request';
  id: number;
}

export interface MetricsAnswer {
  type: 'confluent-sd:metrics' | 'confluent-sd:worker-metrics';
  id: number;
  /** The aggregated text (to a worker asking), or a worker's `getMetricsAsJSON()` (to the primary). */
  text?: string;
  json?: unknown;
}

/** A worker's first message, once it listens for the primary's: the primary answers with the current set. */
export interface HelloMessage {
  type: 'confluent-sd:hello';
}

export type ClusterMessage = DocumentsMessage | MetricsRequest | MetricsAnswer | HelloMessage;

export function isClusterMessage(m: unknown): m is ClusterMessage {
  const type = (m as { type?: unknown } | null)?.type;
  return typeof type === 'string' && type.startsWith('confluent-sd:');
}

/** The documents the primary sent last; `/ready` is 503 until the first set arrives. */
class MirroredDocumentCache implements DocumentCache {
  private cacheState: CacheState = { reloads: 0, reloadFailures: 0 };

  adopt(message: DocumentsMessage): void {
    const set = message.set ?? this.cacheState.set;
    this.cacheState = { ...message.state, ...(set ? { set } : {}) };
  }

  current(): DocumentSet | undefined {
    return this.cacheState.set;
  }

  state(): Readonly<CacheState> {
    return this.cacheState;
  }

  /** The primary polls the store; a worker has nothing to reload. */
  async reload(): Promise<ReloadOutcome> {
    return 'unchanged';
  }

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}

const METRICS_TIMEOUT_MS = 5000;

export interface WorkerLink {
  documents: DocumentCache;
  /** The cluster's metrics as text, from the primary; this worker's own when the primary does not answer. */
  metricsText(local: Registry): Promise<string>;
  /** Answers the primary's requests for this worker's metrics from `registry`. */
  serveMetrics(registry: Registry): void;
  close(): void;
}

/** Connects this worker to the primary through `process.send` and its `message` events. */
export function createWorkerLink(): WorkerLink {
  const documents = new MirroredDocumentCache();
  const pending = new Map<number, (text: string | undefined) => void>();
  let nextId = 0;
  let registry: Registry | undefined;
  const onMessage = (m: unknown) => {
    if (!isClusterMessage(m)) return;
    if (m.type === 'confluent-sd:documents') documents.adopt(m);
    else if (m.type === 'confluent-sd:metrics') pending.get(m.id)?.(m.text);
    else if (m.type === 'confluent-sd:worker-metrics-request' && registry) {
      const id = m.id;
      void registry.getMetricsAsJSON().then((json) => {
        process.send?.({ type: 'confluent-sd:worker-metrics', id, json } satisfies MetricsAnswer);
      });
    }
  };
  process.on('message', onMessage);
  process.send?.({ type: 'confluent-sd:hello' } satisfies HelloMessage);
  return {
    documents,
    serveMetrics(r) {
      registry = r;
    },
    metricsText(local) {
      const id = nextId++;
      return new Promise<string>((resolve) => {
        const done = (text: string | undefined) => {
          clearTimeout(timer);
          pending.delete(id);
          if (text !== undefined) resolve(text);
          else void local.metrics().then(resolve);
        };
        const timer = setTimeout(() => done(undefined), METRICS_TIMEOUT_MS);
        pending.set(id, done);
        process.send?.({ type: 'confluent-sd:metrics-request', id } satisfies MetricsRequest);
      });
    },
    close() {
      process.off('message', onMessage);
    },
  };
}
