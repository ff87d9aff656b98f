/**
 * One publish run (DESIGN §4): discover → render every combination → compare with `latest/manifest.json` →
 * guards → `snapshots/<runId>/…` (only when something changed) → `latest/<doc>.json` → `latest/manifest.json`
 * last → `status.json`. Stale beats partial: any failure before the pointer switch leaves `latest/` as it was.
 */
import { createHash } from 'node:crypto';
import type { Inventory } from '../discovery/resource.js';
import { AppError, describeError, isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RenderConfig } from '../render/config.js';
import { type RenderedDocument, renderAll } from '../render/render.js';
import { checkSdDocument } from '../render/validate.js';
import { isNotFound, type Store } from '../store/store.js';
import type { PublishConfig } from './config.js';
import {
  type ApiStats,
  type DocumentEntry,
  KEYS,
  MANIFEST_SCHEMA_VERSION,
  type Manifest,
  parseManifest,
  type Status,
  stableStringify,
  statusSchema,
} from './manifest.js';
import { nextRunId } from './run-id.js';

export interface Discovered {
  inventory: Inventory;
  api: ApiStats;
  durationMs: number;
}

export interface PublishDeps {
  store: Store;
  discover: (signal: AbortSignal) => Promise<Discovered>;
  render: RenderConfig;
  publish: PublishConfig;
  log: Logger;
  version: string;
  now?: () => Date;
  signal?: AbortSignal;
}

export interface PublishOptions {
  /** Skip the guards and accept a corrupted `latest/manifest.json` as "no previous snapshot". */
  force?: boolean;
}

export interface PublishResult {
  outcome: 'published' | 'unchanged';
  runId: string;
  /** The snapshot `latest/` points to after the run. */
  snapshot: string;
  previousRunId: string | null;
  resources: Manifest['resources'];
  documents: { name: string; groups: number; changed: boolean }[];
  objectsWritten: number;
  warnings: number;
  durationMs: number;
}

const JSON_TYPE = 'application/json';

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

export function countResources(inventory: Inventory): Manifest['resources'] {
  const byType: Record<string, number> = {};
  const byEnvironment: Record<string, number> = {};
  for (const r of inventory.resources) {
    byType[r.type] = (byType[r.type] ?? 0) + 1;
    byEnvironment[r.environmentId] = (byEnvironment[r.environmentId] ?? 0) + 1;
  }
  return { total: inventory.resources.length, byType, byEnvironment };
}

/** Renders every combination and applies Prometheus's own rules to each document before anything is written. */
export function renderDocuments(inventory: Inventory, render: RenderConfig): RenderedDocument[] {
  const docs = renderAll(inventory, render.combinations, render);
  for (const doc of docs) {
    const problems = checkSdDocument(doc.body, { legacyLabelNames: render.paramStyle === 'underscore' });
    if (problems.length > 0) {
      throw new AppError(
        'RENDER_INVALID',
        `render ${doc.name}: Prometheus would reject it: ${problems.slice(0, 3).join('; ')}`,
      );
    }
  }
  return docs;
}

async function readPrevious(store: Store, force: boolean, log: Logger): Promise<Manifest | undefined> {
  let text: string;
  try {
    const obj = await store.get(KEYS.latestManifest);
    if (!obj) return undefined;
    text = obj.body.toString('utf8');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  try {
    return parseManifest(text, `${store.location}/${KEYS.latestManifest}`);
  } catch (err) {
    if (!force) {
      throw new AppError(
        'MANIFEST_INVALID',
        `${describeError(err)}; refusing to publish over it (rerun with --force to treat it as "no previous snapshot")`,
        { cause: err },
      );
    }
    log.warn({ err }, 'latest manifest is corrupt, treated as no previous snapshot (--force)');
    return undefined;
  }
}

async function readStatus(store: Store): Promise<Status | undefined> {
  try {
    const obj = await store.get(KEYS.status);
    if (!obj) return undefined;
    const parsed = statusSchema.safeParse(JSON.parse(obj.body.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // status.json is advisory: unreadable means no history of successes and failures
    return undefined;
  }
}

function checkGuards(
  resources: Manifest['resources'],
  previous: Manifest | undefined,
  maxShrink: number,
): void {
  if (resources.total === 0) {
    throw new AppError(
      'GUARD_EMPTY',
      'discovery found zero resources; refusing to publish (use --force to publish anyway)',
    );
  }
  const before = previous?.resources.total ?? 0;
  if (before > 0) {
    const drop = (before - resources.total) / before;
    if (drop > maxShrink) {
      throw new AppError(
        'GUARD_SHRINK',
        `resources dropped from ${before} to ${resources.total} (${Math.round(drop * 100)}% > SD_MAX_SHRINK ${Math.round(maxShrink * 100)}%); refusing to publish (use --force to publish anyway)`,
      );
    }
  }
}

function abortIfRequested(signal: AbortSignal | undefined, stage: string): void {
  if (signal?.aborted)
    throw new AppError('ABORTED', `abandoned before ${stage}: ${describeError(signal.reason)}`);
}

export async function publishRun(deps: PublishDeps, options: PublishOptions = {}): Promise<PublishResult> {
  const { store, log } = deps;
  const now = deps.now ?? (() => new Date());
  const started = now();
  const startedMs = Date.now();
  const force = options.force ?? false;
  const signal = deps.signal ?? new AbortController().signal;
  let written = 0;
  let runId = nextRunId(started, null);
  const previousStatus = await readStatus(store);

  const writeStatus = async (s: Omit<Status, 'lastSuccessAt' | 'lastFailureAt' | 'time' | 'durationMs'>) => {
    const time = now().toISOString();
    const ok = s.outcome === 'published' || s.outcome === 'unchanged';
    const status: Status = {
      ...s,
      time,
      durationMs: Date.now() - startedMs,
      lastSuccessAt: ok ? time : (previousStatus?.lastSuccessAt ?? null),
      lastFailureAt: ok ? (previousStatus?.lastFailureAt ?? null) : time,
    };
    await store.put(KEYS.status, stableStringify(status), JSON_TYPE);
    written += 1;
  };

  try {
    const previous = await readPrevious(store, force, log);
    runId = nextRunId(started, previous?.runId);
    abortIfRequested(signal, 'discovery');

    const discovered = await deps.discover(signal);
    const resources = countResources(discovered.inventory);
    log.info(
      {
        resources: resources.total,
        byType: resources.byType,
        environments: discovered.inventory.environments.length,
        requests: discovered.api.requests,
        retries: discovered.api.retries,
        throttled: discovered.api.throttled,
        durationMs: discovered.durationMs,
      },
      'discovery finished',
    );

    const renderStart = Date.now();
    const docs = renderDocuments(discovered.inventory, deps.render);
    const warnings = docs.reduce((n, d) => n + d.warnings.length, 0);
    log.info({ documents: docs.length, warnings, durationMs: Date.now() - renderStart }, 'render finished');

    const entries: Record<string, DocumentEntry> = {};
    for (const d of docs) {
      entries[d.name] = {
        targets: d.combination.targets,
        prefix: d.combination.prefix,
        paramStyle: deps.render.paramStyle,
        groupBy: deps.render.groupBy,
        sha256: sha256(d.body),
        bytes: Buffer.byteLength(d.body),
        groups: d.groups,
      };
    }
    const changedNames = docs
      .filter((d) => previous?.documents[d.name]?.sha256 !== entries[d.name]?.sha256)
      .map((d) => d.name);
    const removedNames = Object.keys(previous?.documents ?? {}).filter((n) => !(n in entries));
    const changed = previous === undefined || changedNames.length > 0 || removedNames.length > 0;

    if (!force) checkGuards(resources, previous, deps.publish.maxShrink);
    abortIfRequested(signal, 'writing the snapshot');

    if (!changed && previous) {
      const refreshed: Manifest = { ...previous, checkedAt: now().toISOString() };
      await store.put(KEYS.latestManifest, stableStringify(refreshed), JSON_TYPE);
      written += 1;
      log.info(
        { snapshot: previous.runId, objectsWritten: written },
        'documents unchanged, latest manifest refreshed',
      );
      await writeStatus({ runId, outcome: 'unchanged', error: null, snapshot: previous.runId });
      return {
        outcome: 'unchanged',
        runId,
        snapshot: previous.runId,
        previousRunId: previous.previousRunId,
        resources,
        documents: docs.map((d) => ({ name: d.name, groups: d.groups, changed: false })),
        objectsWritten: written,
        warnings,
        durationMs: Date.now() - startedMs,
      };
    }

    const createdAt = now().toISOString();
    const manifest: Manifest = {
      schemaVersion: MANIFEST_SCHEMA_VERSION,
      toolVersion: deps.version,
      runId,
      createdAt,
      checkedAt: createdAt,
      previousRunId: previous?.runId ?? null,
      documents: entries,
      resources,
      api: { ...discovered.api, discoveryMs: discovered.durationMs },
    };
    const manifestText = stableStringify(manifest);

    // 1. the immutable snapshot, manifest last
    for (const d of docs) {
      await store.put(KEYS.snapshotDocument(runId, d.name), d.body, JSON_TYPE);
      written += 1;
    }
    await store.put(KEYS.snapshotManifest(runId), manifestText, JSON_TYPE);
    written += 1;
    abortIfRequested(signal, 'switching latest/');

    // 2. latest/ copies, then the pointer; a failure here is rolled back so latest/ stays as it was
    await writeLatest(store, docs, previous, manifestText, log);
    written += docs.length + 1;
    for (const name of removedNames) await store.delete(KEYS.latestDocument(name)).catch(() => undefined);

    log.info(
      {
        snapshot: runId,
        previousRunId: manifest.previousRunId,
        changed: changedNames.length,
        removed: removedNames.length,
        objectsWritten: written,
      },
      'snapshot published',
    );
    await writeStatus({ runId, outcome: 'published', error: null, snapshot: runId });
    return {
      outcome: 'published',
      runId,
      snapshot: runId,
      previousRunId: manifest.previousRunId,
      resources,
      documents: docs.map((d) => ({
        name: d.name,
        groups: d.groups,
        changed: changedNames.includes(d.name),
      })),
      objectsWritten: written,
      warnings,
      durationMs: Date.now() - startedMs,
    };
  } catch (err) {
    const refused = isAppError(err, 'GUARD_EMPTY') || isAppError(err, 'GUARD_SHRINK');
    try {
      await writeStatus({
        runId,
        outcome: refused ? 'refused' : 'failed',
        error: describeError(err),
        snapshot: null,
      });
    } catch (statusErr) {
      log.warn({ err: statusErr }, 'could not write status.json');
    }
    throw err;
  }
}

/**
 * Writes `latest/<doc>.json` then `latest/manifest.json`. When a write fails, the documents already replaced are
 * put back from the previous snapshot's bytes (best effort), so `latest/` is left as it was.
 */
async function writeLatest(
  store: Store,
  docs: RenderedDocument[],
  previous: Manifest | undefined,
  manifestText: string,
  log: Logger,
): Promise<void> {
  const replaced: string[] = [];
  try {
    for (const d of docs) {
      await store.put(KEYS.latestDocument(d.name), d.body, JSON_TYPE);
      replaced.push(d.name);
    }
    await store.put(KEYS.latestManifest, manifestText, JSON_TYPE);
  } catch (err) {
    for (const name of replaced) {
      try {
        if (previous?.documents[name]) {
          const old = await store.get(KEYS.snapshotDocument(previous.runId, name));
          if (old) await store.put(KEYS.latestDocument(name), old.body, JSON_TYPE);
        } else {
          await store.delete(KEYS.latestDocument(name));
        }
      } catch (rollbackErr) {
        log.error(
          { err: rollbackErr, document: name },
          'rollback of latest document failed; latest/manifest.json still points at the previous complete snapshot',
        );
      }
    }
    throw err;
  }
}
