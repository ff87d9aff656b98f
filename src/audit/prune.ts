/**
 * `prune`: removes snapshots older than N days, never the one `latest/` points to nor the newest. Age is the run
 * id's time (the run's start, UTC, in the key). The manifest of a snapshot is deleted first, so a prune cut short
 * leaves a folder that no longer counts as a snapshot, and the next prune removes the rest.
 */

import { KEYS } from '../bucket/keys.js';
import type { SnapshotListing } from '../bucket/read.js';
import { parseRunId } from '../bucket/run-id.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';

/** A manifest-less folder younger than this may be a publish still writing its documents: leave it alone. */
export const INCOMPLETE_GRACE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface PruneItem {
  runId: string;
  /** Keys to delete, manifest first. */
  keys: string[];
  /** A folder without a manifest (a half-written or half-pruned leftover). */
  incomplete: boolean;
}

export interface PrunePlan {
  cutoff: string;
  latest: string | null;
  kept: { runId: string; reason: 'latest' | 'newest' | 'recent' }[];
  remove: PruneItem[];
}

export function planPrune(
  listing: SnapshotListing,
  latestRunId: string | null,
  now: Date,
  keepDays: number,
): PrunePlan {
  const cutoff = now.getTime() - keepDays * DAY_MS;
  const newest = listing.runIds[0];
  const keysOf = (runId: string) => (listing.objects.get(runId) ?? []).map((o) => o.key);
  const age = (runId: string) => parseRunId(runId)?.getTime() ?? Number.POSITIVE_INFINITY;
  const plan: PrunePlan = {
    cutoff: new Date(cutoff).toISOString(),
    latest: latestRunId,
    kept: [],
    remove: [],
  };
  for (const runId of listing.runIds) {
    if (runId === latestRunId) plan.kept.push({ runId, reason: 'latest' });
    else if (runId === newest) plan.kept.push({ runId, reason: 'newest' });
    else if (age(runId) >= cutoff) plan.kept.push({ runId, reason: 'recent' });
    else {
      const manifest = KEYS.snapshotManifest(runId);
      plan.remove.push({
        runId,
        keys: [manifest, ...keysOf(runId).filter((k) => k !== manifest)],
        incomplete: false,
      });
    }
  }
  for (const runId of listing.incomplete) {
    if (runId === latestRunId) continue;
    if (age(runId) < cutoff && age(runId) < now.getTime() - INCOMPLETE_GRACE_MS) {
      plan.remove.push({ runId, keys: keysOf(runId), incomplete: true });
    }
  }
  plan.remove.sort((a, b) => (a.runId < b.runId ? 1 : -1));
  return plan;
}

/** Deletes what the plan removes, one snapshot at a time, manifest first. */
export async function applyPrune(store: Store, plan: PrunePlan, log: Logger): Promise<number> {
  let deleted = 0;
  for (const item of plan.remove) {
    for (const key of item.keys) {
      await store.delete(key);
      deleted += 1;
    }
    log.info(
      { snapshot: item.runId, objects: item.keys.length, incomplete: item.incomplete },
      'snapshot pruned',
    );
  }
  return deleted;
}

export function formatPrune(plan: PrunePlan, dryRun: boolean): string {
  const verb = dryRun ? 'would remove' : 'removed';
  const lines = plan.remove.map(
    (r) => `${verb} ${r.runId} (${r.keys.length} objects${r.incomplete ? ', incomplete' : ''})`,
  );
  for (const k of plan.kept) lines.push(`kept ${k.runId} (${k.reason})`);
  lines.push(
    `${dryRun ? 'would remove' : 'removed'} ${plan.remove.length} snapshots older than ${plan.cutoff}, kept ${plan.kept.length}`,
  );
  return lines.join('\n');
}
