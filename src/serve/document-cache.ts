/**
 * The documents the server answers with, held in memory. A reload reads `latest/manifest.json` (conditionally),
 * then every document it names, checks each sha256, and only then swaps one immutable `DocumentSet`: a request
 * reads that one reference, so no client ever gets documents of two runs. When the store cannot be read or the
 * documents do not match the manifest (the publisher is mid-switch), the old set stays and the next poll retries.
 */
import { gzipSync } from 'node:zlib';
import { sha256 } from '../bucket/canonical.js';
import { combinationKey } from '../bucket/document-name.js';
import { DOCUMENT_NAME_RE, KEYS } from '../bucket/keys.js';
import { type Manifest, parseManifest } from '../bucket/manifest.js';
import { type Status, statusSchema } from '../bucket/status.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { isNotFound, NOT_MODIFIED, type StoreReader } from '../store/store.js';

export interface ServedDocument {
  name: string;
  targets: string[];
  prefix: string;
  sha256: string;
  body: Buffer;
  /** Only when smaller than `body`. */
  gzip?: Buffer;
  etag: string;
  gzipEtag: string;
}

export interface DocumentSet {
  manifest: Manifest;
  /** `Last-Modified` of every document: the snapshot's createdAt as an HTTP date. */
  lastModified: string;
  lastModifiedMs: number;
  byName: ReadonlyMap<string, ServedDocument>;
  /** combinationKey → document name */
  byCombination: ReadonlyMap<string, string>;
  loadedAt: Date;
}

export interface CacheState {
  set?: DocumentSet;
  status?: Status;
  /** Why the last reload failed; cleared by a successful one. */
  lastError?: string;
  reloads: number;
  reloadFailures: number;
}

export interface DocumentCache {
  current(): DocumentSet | undefined;
  state(): Readonly<CacheState>;
  /** One poll: returns 'loaded', 'unchanged' or 'failed'; never throws. Concurrent calls share one reload. */
  reload(): Promise<ReloadOutcome>;
  /** Loads once (waits for it) and polls every `intervalMs` after that. */
  start(): Promise<void>;
  /** Stops polling and waits for a reload in progress. */
  stop(): Promise<void>;
}

export type ReloadOutcome = 'loaded' | 'unchanged' | 'failed' | 'empty';

export interface DocumentCacheOptions {
  store: StoreReader;
  log: Logger;
  intervalMs: number;
}

export function etagOf(sha256: string, coding: '' | 'gzip' = ''): string {
  return `"${sha256.slice(0, 32)}${coding ? `-${coding}` : ''}"`;
}

function toServed(name: string, manifest: Manifest, body: Buffer): ServedDocument {
  const entry = manifest.documents[name]!;
  const gz = gzipSync(body, { level: 9 });
  return {
    name,
    targets: [...entry.targets],
    prefix: entry.prefix,
    sha256: entry.sha256,
    body,
    ...(gz.length < body.length ? { gzip: gz } : {}),
    etag: etagOf(entry.sha256),
    gzipEtag: etagOf(entry.sha256, 'gzip'),
  };
}

export function createDocumentCache(options: DocumentCacheOptions): DocumentCache {
  const { store, log, intervalMs } = options;
  const state: CacheState = { reloads: 0, reloadFailures: 0 };
  let manifestEtag: string | undefined;
  let statusEtag: string | undefined;
  let inFlight: Promise<ReloadOutcome> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  /**
   * The document's bytes, checked against the manifest's sha256. The `latest/` copy is tried first; when it does
   * not match (a publish is switching `latest/`, or one failed after its rollback could not write), the immutable
   * snapshot copy that the manifest points to is used instead.
   */
  async function readVerified(manifest: Manifest, name: string, want: string): Promise<Buffer> {
    const problems: string[] = [];
    for (const key of [KEYS.latestDocument(name), KEYS.snapshotDocument(manifest.runId, name)]) {
      try {
        const obj = await store.get(key);
        const actual = sha256(obj.body);
        if (actual === want) return obj.body;
        problems.push(`${key} has sha256 ${actual}, the manifest says ${want}`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        problems.push(`${key} not found`);
      }
    }
    throw new Error(problems.join('; '));
  }

  async function loadSet(manifest: Manifest): Promise<DocumentSet> {
    const old = state.set?.byName;
    const byName = new Map<string, ServedDocument>();
    const byCombination = new Map<string, string>();
    for (const [name, entry] of Object.entries(manifest.documents)) {
      if (!DOCUMENT_NAME_RE.test(name)) throw new Error(`manifest names an invalid document "${name}"`);
      const previous = old?.get(name);
      let doc: ServedDocument;
      if (previous && previous.sha256 === entry.sha256) {
        // same bytes as before: keep the buffers (a run that changed nothing only refreshes checkedAt)
        doc = { ...previous, targets: [...entry.targets], prefix: entry.prefix };
      } else {
        doc = toServed(name, manifest, await readVerified(manifest, name, entry.sha256));
      }
      byName.set(name, doc);
      byCombination.set(combinationKey(entry), name);
    }
    const createdMs = Date.parse(manifest.createdAt);
    const lastModifiedMs = Number.isNaN(createdMs) ? Date.now() : Math.floor(createdMs / 1000) * 1000;
    return {
      manifest,
      lastModified: new Date(lastModifiedMs).toUTCString(),
      lastModifiedMs,
      byName,
      byCombination,
      loadedAt: new Date(),
    };
  }

  async function readStatus(): Promise<void> {
    try {
      const obj = await store.getIfChanged(KEYS.status, statusEtag);
      if (obj === NOT_MODIFIED) return;
      const parsed = statusSchema.safeParse(JSON.parse(obj.body.toString('utf8')));
      if (!parsed.success) {
        log.warn({ key: KEYS.status }, 'status object has the wrong shape, ignored');
        return;
      }
      state.status = parsed.data;
      statusEtag = obj.etag;
    } catch (err) {
      if (!isNotFound(err)) log.warn({ err, key: KEYS.status }, 'status object unreadable');
    }
  }

  async function reloadOnce(): Promise<ReloadOutcome> {
    await readStatus();
    let outcome: ReloadOutcome;
    try {
      const obj = await store.getIfChanged(KEYS.latestManifest, manifestEtag);
      if (obj === NOT_MODIFIED) return 'unchanged';
      const manifest = parseManifest(obj.body.toString('utf8'), `${store.location} ${KEYS.latestManifest}`);
      const set = await loadSet(manifest);
      state.set = set;
      manifestEtag = obj.etag;
      state.reloads += 1;
      delete state.lastError;
      outcome = 'loaded';
      log.info({ runId: manifest.runId, documents: set.byName.size }, 'documents loaded');
    } catch (err) {
      if (isNotFound(err) && !state.set) {
        state.lastError = `nothing published yet: ${KEYS.latestManifest} not found in ${store.location}`;
        return 'empty';
      }
      state.reloadFailures += 1;
      state.lastError = describeError(err);
      outcome = 'failed';
      log.warn(
        { err, runId: state.set?.manifest.runId ?? null },
        'document reload failed, serving the previous set',
      );
    }
    return outcome;
  }

  function reload(): Promise<ReloadOutcome> {
    inFlight ??= reloadOnce().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  function schedule(): void {
    if (stopped) return;
    // setTimeout after each poll, not setInterval: a slow store never stacks reloads
    timer = setTimeout(() => {
      void reload().finally(schedule);
    }, intervalMs);
    timer.unref();
  }

  return {
    current: () => state.set,
    state: () => state,
    reload,
    async start() {
      stopped = false;
      await reload();
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      await inFlight;
    },
  };
}
