/**
 * One publish run (DESIGN §4) as a straight line of named steps: read the previous snapshot → discover → render
 * → plan (and guards) → write the snapshot → switch `latest/` → status → result. Stale beats partial: any failure
 * before the pointer switch leaves `latest/` as it was, and every attempt leaves a `status.json`.
 */
import { canonicalJson } from '../bucket/canonical.js';
import { KEYS } from '../bucket/keys.js';
import { MANIFEST_SCHEMA_VERSION, type Manifest, type ResourceCounts } from '../bucket/manifest.js';
import { nextRunId } from '../bucket/run-id.js';
import type { ApiStats } from '../confluent/stats.js';
import type { Inventory } from '../discovery/resource.js';
import { AppError, describeError, isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RenderConfig } from '../render/config.js';
import type { PlanFigures } from '../render/plan.js';
import type { RenderedDocument } from '../render/render.js';
import type { Store } from '../store/store.js';
import type { PublishConfig } from './config.js';
import {
  countResources,
  discoveryEntry,
  documentEntries,
  renderDocuments,
  warnAboutPlan,
} from './documents.js';
import { checkGuards, planRun, type RunPlan } from './plan.js';
import { readPrevious } from './previous.js';
import { StatusWriter } from './run-status.js';
import { removeLatestCopies, switchLatest, WriteCounter, writeSnapshot } from './writes.js';

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
  resources: ResourceCounts;
  documents: { name: string; groups: number; changed: boolean; plan?: PlanFigures }[];
  objectsWritten: number;
  warnings: number;
  durationMs: number;
}

/** What the steps of one run share. */
interface Run {
  deps: PublishDeps;
  log: Logger;
  now: () => Date;
  startedMs: number;
  signal: AbortSignal;
  force: boolean;
  out: WriteCounter;
  runId: string;
}

export async function publishRun(deps: PublishDeps, options: PublishOptions = {}): Promise<PublishResult> {
  const now = deps.now ?? (() => new Date());
  const started = now();
  const run: Run = {
    deps,
    log: deps.log,
    now,
    startedMs: Date.now(),
    signal: deps.signal ?? new AbortController().signal,
    force: options.force ?? false,
    out: new WriteCounter(deps.store),
    runId: nextRunId(started, null),
  };
  const status = await StatusWriter.open(deps.store, run.out, run.startedMs, now);
  try {
    const previous = await readPrevious(deps.store, run.force, run.log);
    run.runId = nextRunId(started, previous?.runId);
    const result = await publishSteps(run, previous);
    await status.write({ runId: run.runId, outcome: result.outcome, error: null, snapshot: result.snapshot });
    return { ...result, objectsWritten: run.out.count, durationMs: Date.now() - run.startedMs };
  } catch (err) {
    const refused = isAppError(err, 'GUARD_EMPTY') || isAppError(err, 'GUARD_SHRINK');
    const error = describeError(err);
    await status
      .write({ runId: run.runId, outcome: refused ? 'refused' : 'failed', error, snapshot: null })
      .catch((statusErr: unknown) => run.log.warn({ err: statusErr }, 'could not write status.json'));
    throw err;
  }
}

type StepsResult = Omit<PublishResult, 'objectsWritten' | 'durationMs'>;

async function publishSteps(run: Run, previous: Manifest | undefined): Promise<StepsResult> {
  abortIfRequested(run.signal, 'discovery');
  const { discovered, resources } = await discover(run);
  const docs = render(run, discovered.inventory);
  const plan = planRun(documentEntries(docs, run.deps.render, discovered.inventory.sizes), previous);
  if (!run.force) checkGuards(resources, previous, run.deps.publish.maxShrink);
  abortIfRequested(run.signal, 'writing the snapshot');
  if (!plan.writesSnapshot && previous) {
    await refreshPointer(run, previous);
    return resultOf(run, 'unchanged', previous.runId, previous.previousRunId, resources, docs, []);
  }
  const manifest = buildManifest(run, plan, previous, resources, discovered);
  await publishSnapshot(run, docs, plan, previous, manifest);
  return resultOf(run, 'published', run.runId, manifest.previousRunId, resources, docs, plan.changed);
}

async function discover(run: Run): Promise<{ discovered: Discovered; resources: ResourceCounts }> {
  const discovered = await run.deps.discover(run.signal);
  const { inventory, api } = discovered;
  const resources = countResources(inventory);
  run.log.info(
    {
      resources: resources.total,
      byType: resources.byType,
      environments: inventory.environments.length,
      requests: api.requests,
      retries: api.retries,
      throttled: api.throttled,
      durationMs: discovered.durationMs,
    },
    'discovery finished',
  );
  return { discovered, resources };
}

function render(run: Run, inventory: Inventory): RenderedDocument[] {
  const started = Date.now();
  const docs = renderDocuments(inventory, run.deps.render);
  const warnings = countWarnings(docs);
  run.log.info({ documents: docs.length, warnings, durationMs: Date.now() - started }, 'render finished');
  for (const d of docs) warnAboutPlan(run.log, d);
  return docs;
}

/** An unchanged run rewrites only the pointer, with a fresh `checkedAt`. */
async function refreshPointer(run: Run, previous: Manifest): Promise<void> {
  const refreshed: Manifest = { ...previous, checkedAt: run.now().toISOString() };
  await run.out.put(KEYS.latestManifest, canonicalJson(refreshed));
  run.log.info(
    { snapshot: previous.runId, objectsWritten: run.out.count },
    'documents unchanged, latest manifest refreshed',
  );
}

function buildManifest(
  run: Run,
  plan: RunPlan,
  previous: Manifest | undefined,
  resources: ResourceCounts,
  discovered: Discovered,
): Manifest {
  const createdAt = run.now().toISOString();
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    toolVersion: run.deps.version,
    runId: run.runId,
    createdAt,
    checkedAt: createdAt,
    previousRunId: previous?.runId ?? null,
    documents: plan.entries,
    resources,
    api: { ...discovered.api, discoveryMs: discovered.durationMs },
    ...discoveryEntry(discovered.inventory),
  };
}

async function publishSnapshot(
  run: Run,
  docs: readonly RenderedDocument[],
  plan: RunPlan,
  previous: Manifest | undefined,
  manifest: Manifest,
): Promise<void> {
  const manifestText = canonicalJson(manifest);
  await writeSnapshot(run.out, run.runId, docs, manifestText);
  abortIfRequested(run.signal, 'switching latest/');
  await switchLatest(run.out, run.deps.store, docs, previous, manifestText, run.log);
  await removeLatestCopies(run.deps.store, plan.removed);
  run.log.info(
    {
      snapshot: run.runId,
      previousRunId: manifest.previousRunId,
      changed: plan.changed.length,
      removed: plan.removed.length,
      objectsWritten: run.out.count,
    },
    'snapshot published',
  );
}

function resultOf(
  run: Run,
  outcome: PublishResult['outcome'],
  snapshot: string,
  previousRunId: string | null,
  resources: ResourceCounts,
  docs: readonly RenderedDocument[],
  changed: readonly string[],
): StepsResult {
  return {
    outcome,
    runId: run.runId,
    snapshot,
    previousRunId,
    resources,
    documents: docs.map((d) => ({
      name: d.name,
      groups: d.groups,
      changed: changed.includes(d.name),
      ...(d.plan ? { plan: d.plan } : {}),
    })),
    warnings: countWarnings(docs),
  };
}

function countWarnings(docs: readonly RenderedDocument[]): number {
  return docs.reduce((n, d) => n + d.warnings.length, 0);
}

function abortIfRequested(signal: AbortSignal, stage: string): void {
  if (signal.aborted)
    throw new AppError('ABORTED', `abandoned before ${stage}: ${describeError(signal.reason)}`);
}
