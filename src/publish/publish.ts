/**
 * One publish run (DESIGN §4) as named steps: previous snapshot → discover → render → plan (and guards) → write
 * the snapshot → switch `latest/` → repair `latest/` → status → run-log record → result. Stale beats partial: a
 * failure before the switch leaves `latest/` as it was; every attempt but a superseded one leaves `status.json`.
 */
import { canonicalJson } from '../bucket/canonical.js';
import { MANIFEST_SCHEMA_VERSION, type Manifest, type ResourceCounts } from '../bucket/manifest.js';
import { chooseRunId } from '../bucket/run-id.js';
import { organizationIdsOf } from '../discovery/organization.js';
import type { Inventory } from '../discovery/resource.js';
import { describeError, isAppError } from '../errors.js';
import type { RenderedDocument } from '../render/render.js';
import {
  countResources,
  discoveryEntry,
  documentEntries,
  renderDocuments,
  warnAboutPlan,
  warnAboutSelection,
} from './documents.js';
import {
  guardBaseline,
  keepFailedOrganizations,
  keptEntries,
  partialError,
  withKeptCounts,
} from './partial.js';
import { applyGuards, planRun, type RunPlan } from './plan.js';
import type { Pointer } from './pointer.js';
import { readPrevious } from './previous.js';
import { repairLatest } from './repair.js';
import {
  abortIfRequested,
  afterPointerError,
  type Discovered,
  type PublishDeps,
  type PublishOptions,
  type PublishResult,
  type Run,
  takeRunId,
} from './run.js';
import { createAttemptId, outcomeOfError, snapshotAfterError, writeRunRecord } from './run-record.js';
import { StatusWriter, writeRunStatus } from './run-status.js';
import { refreshPointer, switchToSnapshot } from './switch.js';
import { claimSnapshot, WriteCounter } from './writes.js';

export type { Discovered, PublishDeps, PublishOptions, PublishResult } from './run.js';

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
    runId: chooseRunId(started, null).runId,
    attemptId: createAttemptId(started),
    startedAt: started.toISOString(),
    forced: [],
    organizationIds: [],
    previousSnapshot: null,
  };
  const status = await StatusWriter.open(deps.store, run.out, run.startedMs, now);
  try {
    const previous = await readPrevious(deps.store, run.force, run.log);
    run.previousSnapshot = previous.manifest?.runId ?? null;
    if (previous.forcedPast)
      run.forced.push(`${previous.forcedPast}; taken as no previous snapshot (--force)`);
    run.runId = takeRunId(run, started, previous.manifest);
    const result = await publishSteps(run, previous);
    const statusError = result.outcome === 'superseded' ? null : await writeRunStatus(status, run, result);
    const objectsWritten = run.out.count;
    // a partial run switched latest/ but failed (exit 1): its record keeps the outcome, switch time and error
    const error = result.partial ? { error: partialError(result.partial) } : {};
    const runLogError = await writeRunRecord(run, {
      outcome: result.outcome,
      snapshot: result.snapshot,
      ...error,
    });
    return { ...result, statusError, objectsWritten, durationMs: Date.now() - run.startedMs, runLogError };
  } catch (err) {
    const outcome = outcomeOfError(err);
    await status
      .write({
        runId: run.runId,
        outcome: outcome === 'refused' ? 'refused' : 'failed',
        error: describeError(err),
        snapshot: run.pointed ?? null,
      })
      .catch((statusErr: unknown) => run.log.warn({ err: statusErr }, 'could not write status.json'));
    const thrown = run.pointed && isAppError(err) ? afterPointerError(err, run.pointed) : err;
    await writeRunRecord(run, { outcome, snapshot: snapshotAfterError(run), error: thrown });
    throw thrown;
  }
}

type StepsResult = Omit<PublishResult, 'objectsWritten' | 'durationMs' | 'statusError' | 'runLogError'>;

async function publishSteps(run: Run, previous: Pointer): Promise<StepsResult> {
  abortIfRequested(run.signal, 'discovery');
  const { discovered, resources } = await discover(run);
  const rendered = render(run, discovered.inventory);
  const { store } = run.deps;
  const kept = await keepFailedOrganizations(store, rendered, discovered, previous.manifest, run.log);
  const docs = kept.docs;
  for (const d of docs) warnAboutSelection(run.log, d); // after keeping: a kept selection is not this run's
  const entries = documentEntries(docs, run.deps.render, discovered.inventory.sizes);
  const plan = planRun(keptEntries(entries, kept.kept, previous.manifest), previous.manifest);
  applyGuards(run, resources, guardBaseline(previous.manifest, kept.failed));
  const partial =
    kept.failed.length > 0
      ? { partial: { failed: kept.failed, kept: kept.kept, withheld: kept.withheld } }
      : {};
  abortIfRequested(run.signal, 'writing the snapshot');
  if (!plan.writesSnapshot && previous.manifest) {
    const refreshed = await refreshPointer(run, previous, previous.manifest);
    const pointer = await repairLatest(run.out, docs, run.log);
    const outcome = refreshed ? 'unchanged' : 'superseded';
    const snapshot = pointer.manifest?.runId ?? previous.manifest.runId;
    const previousRunId = previous.manifest.previousRunId;
    return {
      ...resultOf(run, outcome, snapshot, previousRunId, resources, docs, []),
      written: null,
      ...partial,
    };
  }
  const counted = withKeptCounts(resources, previous.manifest, kept.failed);
  const manifestFor = (runId: string) =>
    canonicalJson(buildManifest(run, runId, plan, previous.manifest, counted, discovered));
  const claimed = await claimSnapshot(run.out, run.runId, docs, manifestFor, run.log);
  run.runId = claimed.runId;
  abortIfRequested(run.signal, 'switching latest/');
  const switched = await switchToSnapshot(run, docs, plan, previous, claimed);
  const pointer = await repairLatest(run.out, docs, run.log);
  const outcome = switched ? 'published' : 'superseded';
  const snapshot = pointer.manifest?.runId ?? run.runId;
  const previousRunId = previous.manifest?.runId ?? null;
  return {
    ...resultOf(run, outcome, snapshot, previousRunId, resources, docs, plan.changed),
    written: run.runId,
    ...partial,
  };
}

async function discover(run: Run): Promise<{ discovered: Discovered; resources: ResourceCounts }> {
  const discovered = await run.deps.discover(run.signal);
  const { inventory, api } = discovered;
  const resources = countResources(inventory);
  run.resources = resources;
  run.organizationIds = organizationIdsOf(inventory);
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

function buildManifest(
  run: Run,
  runId: string,
  plan: RunPlan,
  previous: Manifest | undefined,
  resources: ResourceCounts,
  discovered: Discovered,
): Manifest {
  const createdAt = run.now().toISOString();
  return {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    toolVersion: run.deps.version,
    runId,
    createdAt,
    checkedAt: createdAt,
    previousRunId: previous?.runId ?? null,
    documents: plan.entries,
    resources,
    api: { ...discovered.api, discoveryMs: discovered.durationMs },
    ...discoveryEntry(discovered.inventory),
    forced: run.forced.length > 0 ? { reason: run.forced.join('; ') } : null,
    organizationIds: [...run.organizationIds],
    apiKeyIds: [...(run.deps.apiKeyIds ?? [])],
  };
}

function resultOf(
  run: Run,
  outcome: PublishResult['outcome'],
  snapshot: string,
  previousRunId: string | null,
  resources: ResourceCounts,
  docs: readonly RenderedDocument[],
  changed: readonly string[],
): Omit<StepsResult, 'written'> {
  return {
    outcome,
    runId: run.runId,
    attemptId: run.attemptId,
    snapshot,
    previousRunId,
    resources,
    documents: docs.map((d) => ({
      name: d.name,
      groups: d.groups,
      changed: changed.includes(d.name),
      ...(d.plan ? { plan: d.plan } : {}),
      ...(d.unmatched && d.unmatched.length > 0 ? { unmatched: d.unmatched } : {}),
    })),
    warnings: countWarnings(docs),
  };
}

function countWarnings(docs: readonly RenderedDocument[]): number {
  return docs.reduce((n, d) => n + d.warnings.length, 0);
}
