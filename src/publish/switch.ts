/**
 * The pointer steps of a run: an unchanged run's refresh, and a changed run's switch to its snapshot, both
 * backing off (`superseded`) when another run switched `latest/` while this one ran.
 */
import { canonicalJson } from '../bucket/canonical.js';
import type { Manifest } from '../bucket/manifest.js';
import type { RenderedDocument } from '../render/render.js';
import type { RunPlan } from './plan.js';
import { isSameSnapshot, type Pointer, readPointer, swapPointer } from './pointer.js';
import type { Run } from './run.js';
import { type ClaimedSnapshot, removeLatestCopies, switchLatest } from './writes.js';

/** An unchanged run rewrites only the pointer, with a fresh `checkedAt`, unless another run switched it. */
export async function refreshPointer(run: Run, previous: Pointer, manifest: Manifest): Promise<boolean> {
  const refreshed: Manifest = { ...manifest, checkedAt: run.now().toISOString() };
  const swap = await swapPointer(run.out, run.deps.store, canonicalJson(refreshed), previous);
  if (!swap.switched) {
    logSuperseded(run, swap.current);
    return false;
  }
  run.pointed = manifest.runId;
  run.log.info(
    { snapshot: manifest.runId, objectsWritten: run.out.count },
    'documents unchanged, latest manifest refreshed',
  );
  return true;
}

function logSuperseded(run: Run, current: Pointer): void {
  run.log.warn(
    { runId: run.runId, snapshot: current.manifest?.runId ?? null },
    'another run switched latest/ meanwhile; left as that run made it',
  );
}

/**
 * Switches `latest/` to the claimed snapshot, unless another run switched it while this one wrote: then (checked
 * before the copies, and again by the conditional pointer write) this run backs off.
 */
export async function switchToSnapshot(
  run: Run,
  docs: readonly RenderedDocument[],
  plan: RunPlan,
  previous: Pointer,
  claimed: ClaimedSnapshot,
): Promise<boolean> {
  const current = await readPointer(run.deps.store);
  const swap = isSameSnapshot(current, previous)
    ? await switchLatest(run.out, docs, current, claimed.manifestText, run.log)
    : ({ switched: false, current } as const);
  if (!swap.switched) {
    logSuperseded(run, swap.current);
    return false;
  }
  run.pointed = claimed.runId;
  run.switchedAt = run.now().toISOString();
  await removeLatestCopies(run.deps.store, plan.removed);
  run.log.info(
    {
      snapshot: claimed.runId,
      previousRunId: previous.manifest?.runId ?? null,
      changed: plan.changed.length,
      removed: plan.removed.length,
      objectsWritten: run.out.count,
    },
    'snapshot published',
  );
  return true;
}
