/**
 * The documents the server answers with, held in memory. A reload reads `latest/manifest.json` (conditionally),
 * then every document and info document it names, checks each sha256, and only then swaps one immutable
 * `DocumentSet`: a request reads that one reference, so no client ever gets documents of two runs. When the store
 * cannot be read or the documents do not match the manifest (the publisher is mid-switch), the old set stays and
 * the next poll retries.
 */
import { KEYS } from '../bucket/keys.js';
import { parseManifest } from '../bucket/manifest.js';
import { parseStatus, type Status } from '../bucket/status.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log.js';
import { isNotFound, NOT_MODIFIED, type StoreReader } from '../store/store.js';
import { buildDocumentSet, type DocumentSet, type ObjectKind } from './document-set.js';
import {
  checkSizes,
  DEFAULT_MAX_DOCUMENT_BYTES,
  publicReason,
  ReloadError,
  sha256OffLoop,
} from './reload-checks.js';

export interface CacheState {
  set?: DocumentSet;
  status?: Status;
  /** Why the last reload failed, in full (store location, error text); cleared by a successful one. */
  lastError?: string;
  /** The same in a few words that name no path and quote no error, for anyone who asks `/ready`. */
  lastReason?: string;
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
  /** A document or info document over this many bytes is not loaded (default 64 MiB, SD_MAX_DOCUMENT_BYTES). */
  maxDocumentBytes?: number;
  /** Called after every poll, whatever its outcome (the cluster's primary sends the state to its workers). */
  onReload?: (outcome: ReloadOutcome) => void;
}

/** Polls the store's `latest/manifest.json` and holds the last document set that loaded whole. */
class PollingDocumentCache implements DocumentCache {
  private readonly store: StoreReader;
  private readonly log: Logger;
  private readonly intervalMs: number;
  private readonly maxBytes: number;
  private readonly onReload: ((outcome: ReloadOutcome) => void) | undefined;
  private readonly cacheState: CacheState = { reloads: 0, reloadFailures: 0 };
  private manifestEtag: string | undefined;
  private statusEtag: string | undefined;
  private inFlight: Promise<ReloadOutcome> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(options: DocumentCacheOptions) {
    this.store = options.store;
    this.log = options.log;
    this.intervalMs = options.intervalMs;
    this.maxBytes = options.maxDocumentBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
    this.onReload = options.onReload;
  }

  current(): DocumentSet | undefined {
    return this.cacheState.set;
  }

  state(): Readonly<CacheState> {
    return this.cacheState;
  }

  reload(): Promise<ReloadOutcome> {
    this.inFlight ??= this.reloadOnce()
      .then((outcome) => {
        this.onReload?.(outcome);
        return outcome;
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    return this.inFlight;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.reload();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
  }

  private schedule(): void {
    if (this.stopped) return;
    // setTimeout after each poll, not setInterval: a slow store never stacks reloads
    this.timer = setTimeout(() => {
      void this.reload().finally(() => this.schedule());
    }, this.intervalMs);
    this.timer.unref();
  }

  private async reloadOnce(): Promise<ReloadOutcome> {
    await this.readStatus();
    try {
      return await this.loadLatest();
    } catch (err) {
      return this.recordFailure(err);
    }
  }

  /** Reads the manifest when it changed, then all of its documents, and swaps the set only when every one loaded. */
  private async loadLatest(): Promise<ReloadOutcome> {
    const obj = await this.store.getIfChanged(KEYS.latestManifest, this.manifestEtag);
    if (obj === NOT_MODIFIED) return 'unchanged';
    const where = `${this.store.location} ${KEYS.latestManifest}`;
    const manifest = parseManifest(obj.body.toString('utf8'), where);
    checkSizes(manifest, this.maxBytes);
    const set = await buildDocumentSet(manifest, this.cacheState.set, (name, kind, want) =>
      this.readVerified(keysOf(manifest.runId, name, kind), want),
    );
    this.cacheState.set = set;
    this.manifestEtag = obj.etag;
    this.cacheState.reloads += 1;
    delete this.cacheState.lastError;
    delete this.cacheState.lastReason;
    this.log.info({ runId: manifest.runId, documents: set.byName.size }, 'documents loaded');
    return 'loaded';
  }

  private recordFailure(err: unknown): ReloadOutcome {
    const state = this.cacheState;
    if (isNotFound(err) && !state.set) {
      state.lastError = `nothing published yet: ${KEYS.latestManifest} not found in ${this.store.location}`;
      state.lastReason = 'nothing published yet';
      return 'empty';
    }
    state.reloadFailures += 1;
    state.lastError = describeError(err);
    state.lastReason = publicReason(err);
    this.log.warn(
      { err, runId: state.set?.manifest.runId ?? null },
      'document reload failed, serving the previous set',
    );
    return 'failed';
  }

  /** status.json is advisory: when it is missing or unreadable the previous status (or none) stays. */
  private async readStatus(): Promise<void> {
    try {
      const obj = await this.store.getIfChanged(KEYS.status, this.statusEtag);
      if (obj === NOT_MODIFIED) return;
      const status = parseStatus(obj.body.toString('utf8'));
      if (!status) {
        this.log.warn({ key: KEYS.status }, 'status object has the wrong shape, ignored');
        return;
      }
      this.cacheState.status = status;
      this.statusEtag = obj.etag;
    } catch (err) {
      if (!isNotFound(err)) this.log.warn({ err, key: KEYS.status }, 'status object unreadable');
    }
  }

  /**
   * The object's bytes, checked against the manifest's sha256. The `latest/` copy is tried first; when it does
   * not match (a publish is switching `latest/`, or one failed after its rollback could not write), the immutable
   * snapshot copy that the manifest points to is used instead.
   */
  private async readVerified(keys: readonly string[], want: string): Promise<Buffer> {
    const problems: string[] = [];
    for (const key of keys) {
      try {
        const obj = await this.store.get(key);
        if (obj.body.length > this.maxBytes) {
          problems.push(`${key} is ${obj.body.length} bytes, over SD_MAX_DOCUMENT_BYTES (${this.maxBytes})`);
          continue;
        }
        const actual = await sha256OffLoop(obj.body);
        if (actual === want) return obj.body;
        problems.push(`${key} has sha256 ${actual}, the manifest says ${want}`);
      } catch (err) {
        if (!isNotFound(err)) throw err;
        problems.push(`${key} not found`);
      }
    }
    throw new ReloadError('a document does not match the manifest', problems.join('; '));
  }
}

/** Where a document or its info document is read from: its `latest/` copy, then its snapshot copy. */
function keysOf(runId: string, name: string, kind: ObjectKind): [string, string] {
  return kind === 'info'
    ? [KEYS.latestInfo(name), KEYS.snapshotInfo(runId, name)]
    : [KEYS.latestDocument(name), KEYS.snapshotDocument(runId, name)];
}

export function createDocumentCache(options: DocumentCacheOptions): DocumentCache {
  return new PollingDocumentCache(options);
}
