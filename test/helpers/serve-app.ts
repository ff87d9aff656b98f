/**
 * A server app over a real file store in a temp dir, for inject() tests: the app, its document cache, a store that
 * can be switched to "unreachable", and the log lines it wrote. `publishInfoRun` publishes a fake run with info
 * documents and plan figures, as the publisher writes them since the scrape plan.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import pino from 'pino';
import { canonicalJson } from '../../src/bucket/canonical.js';
import { KEYS } from '../../src/bucket/keys.js';
import type { DiscoveryReportEntry, PlanFiguresEntry } from '../../src/bucket/manifest.js';
import { INFO_TYPE, JSON_TYPE } from '../../src/bucket/objects.js';
import { AppError } from '../../src/errors.js';
import { REDACT_PATHS } from '../../src/log.js';
import { buildApp } from '../../src/serve/app.js';
import type { ServeConfig } from '../../src/serve/config.js';
import { createDocumentCache, type DocumentCache } from '../../src/serve/document-cache.js';
import { createTokenSource, type TokenSource } from '../../src/serve/tokens.js';
import { createFileStore } from '../../src/store/file-store.js';
import type { Store } from '../../src/store/store.js';
import { buildFakeRun, type FakeRun, type PublishedRun, sha256Hex, writeFakeStatus } from './bucket.js';

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
  /** Give the app the file store's directory (true, as `serve` does) or only the Store (false). */
  staticBucket?: boolean;
  /** Use this store instead of a file store in a temp dir. */
  store?: Store;
  tokenPollMs?: number;
  now?: () => Date;
  /** The app's log level (default debug, so tests see the access log). */
  logLevel?: string;
  /** false: the app answers every request through fastify, none through the document fast path. */
  fastPath?: boolean;
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
    create: guard(inner.create.bind(inner)),
    replace: guard(inner.replace.bind(inner)),
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
    maxConnections: 1024,
    maxConnectionsPerClient: 64,
    maxDocumentBytes: 64 * 1024 * 1024,
    workers: 1,
    ...options.config,
  };
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const log = pino(
    { level: options.logLevel ?? 'debug', redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    stream,
  );
  const tokens = createTokenSource({
    tokens: config.bearerTokens,
    ...(config.bearerTokenFile ? { file: config.bearerTokenFile } : {}),
    log,
    pollMs: options.tokenPollMs ?? 20,
  });
  await tokens.start();
  const documents = createDocumentCache({
    store,
    log,
    intervalMs: config.reloadIntervalMs,
    maxDocumentBytes: config.maxDocumentBytes,
  });
  const app = buildApp({
    config,
    store,
    log,
    version: '1.2.3-test',
    documents,
    tokens,
    ...(options.now ? { now: options.now } : {}),
    ...(options.fastPath === false ? { fastPath: false } : {}),
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

/** The plan figures of a packed document that fits its budget; tests override what they look at. */
export const FAKE_PLAN: PlanFiguresEntry = {
  groups: 3,
  requestsPerMinute: 6,
  budgetPerMinute: 240,
  requestsPerResourceHour: 120,
  budgetPerResourceHour: 128,
  intervalSeconds: 60,
  scrapers: 2,
  pointsLimit: 48_000,
  lowerBound: 2,
  largestGroup: { key: 'plan-0', resources: 40, points: 9000, urlBytes: 900 },
  degraded: 'none',
  shards: 1,
  overCap: [],
  reason: '',
  sizes: 'metrics-api',
};

export interface InfoRun extends FakeRun {
  /** Documents published without an info document (as snapshots before info documents were). */
  withoutInfo?: string[];
  /** Plan figures per document name; documents not named get none. */
  plans?: Record<string, PlanFiguresEntry>;
  /** The manifest's `discovery` report (none without). */
  discovery?: DiscoveryReportEntry;
}

export interface PublishedInfoRun extends PublishedRun {
  /** document name → info document body */
  infos: Map<string, Buffer>;
}

/** An info document in the text format, one series per group of the fake document, different per run. */
export function renderFakeInfo(runId: string, prefix: string, groups: number): Buffer {
  const lines = ['# HELP confluent_resource_info Labels of a Confluent Cloud resource.'];
  lines.push('# TYPE confluent_resource_info gauge');
  for (let i = 0; i < groups; i++) {
    const id = `lkc-${runId.slice(0, -1).replace('T', '')}${String(i).padStart(5, '0')}`;
    lines.push(
      `confluent_resource_info{${prefix}cluster_name="cluster-${i}",${prefix}resource_type="kafka",kafka_id="${id}"} 1`,
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

export function buildInfoRun(run: InfoRun): PublishedInfoRun {
  const published = buildFakeRun(run);
  const infos = new Map<string, Buffer>();
  if (run.discovery) published.manifest.discovery = run.discovery;
  for (const [name, entry] of Object.entries(published.manifest.documents)) {
    const plan = run.plans?.[name];
    if (plan) entry.plan = plan;
    if (run.withoutInfo?.includes(name)) continue;
    const body = renderFakeInfo(run.runId, entry.prefix, run.groups ?? 3);
    infos.set(name, body);
    entry.info = { sha256: sha256Hex(body), bytes: body.length, series: run.groups ?? 3 };
  }
  return { ...published, infos };
}

/** Writes the run like the publisher does, info documents with their documents, the manifest last. */
export async function publishInfoRun(store: Store, run: InfoRun): Promise<PublishedInfoRun> {
  const published = buildInfoRun(run);
  const { manifest, bodies, infos } = published;
  for (const [name, body] of bodies) {
    await store.put(KEYS.snapshotDocument(run.runId, name), body, JSON_TYPE);
    const info = infos.get(name);
    if (info) await store.put(KEYS.snapshotInfo(run.runId, name), info, INFO_TYPE);
  }
  await store.put(KEYS.snapshotManifest(run.runId), canonicalJson(manifest), JSON_TYPE);
  for (const [name, body] of bodies) {
    await store.put(KEYS.latestDocument(name), body, JSON_TYPE);
    const info = infos.get(name);
    if (info) await store.put(KEYS.latestInfo(name), info, INFO_TYPE);
  }
  await store.put(KEYS.latestManifest, canonicalJson(manifest), JSON_TYPE);
  await writeFakeStatus(store, {
    runId: run.runId,
    time: manifest.createdAt,
    outcome: 'published',
    error: null,
    snapshot: run.runId,
    lastSuccessAt: manifest.createdAt,
    lastFailureAt: null,
    durationMs: 1000,
  });
  return published;
}
