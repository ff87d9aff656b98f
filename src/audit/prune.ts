/**
 * `prune`: removes snapshots older than N days, never the one `latest/` points to nor the newest. Age is the run
 * id's time (the run's start, UTC, in the key), or the store's time of the manifest when earlier
 * (`snapshotTime`); a snapshot dated more than an hour after prune's clock was dated by a wrong clock: it is not
 * "recent" and not the newest. The manifest of a snapshot is deleted first, so a prune cut short leaves a folder
 * that no longer counts as a snapshot, and the next prune removes the rest.
 */

import { KEYS } from '../bucket/keys.js';
import { parseManifest } from '../bucket/manifest.js';
import { prunedRecordKey, prunedRecordText } from '../bucket/pruned.js';
import type { SnapshotListing } from '../bucket/read.js';
import { MAX_CLOCK_SKEW_MS, parseRunId, snapshotTime } from '../bucket/run-id.js';
import type { Logger } from '../log.js';
import { isNotFound, type Store } from '../store/store.js';

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
  const keysOf = (runId: string) => (listing.objects.get(runId) ?? []).map((o) => o.key);
  // the store's time of the manifest, or of the newest object of a folder without one
  const writtenAt = (runId: string) => {
    const objects = listing.objects.get(runId) ?? [];
    const manifest = objects.find((o) => o.key === KEYS.snapshotManifest(runId));
    return manifest?.lastModified ?? objects.map((o) => o.lastModified).sort((a, b) => +b - +a)[0];
  };
  const time = (runId: string) => snapshotTime(runId, writtenAt(runId), now);
  const newest = newestRunId(listing.runIds, time);
  // from the future: its age is unknown, so it counts as old (a folder without a manifest may still be written)
  const age = (runId: string, ifFuture: number) => {
    const t = time(runId);
    return t === 'future' ? ifFuture : t;
  };
  const plan: PrunePlan = {
    cutoff: new Date(cutoff).toISOString(),
    latest: latestRunId,
    kept: [],
    remove: [],
  };
  for (const runId of listing.runIds) {
    if (runId === latestRunId) plan.kept.push({ runId, reason: 'latest' });
    else if (runId === newest) plan.kept.push({ runId, reason: 'newest' });
    else if (age(runId, Number.NEGATIVE_INFINITY) >= cutoff) plan.kept.push({ runId, reason: 'recent' });
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
    const t = age(runId, Number.POSITIVE_INFINITY);
    if (t < cutoff && t < now.getTime() - INCOMPLETE_GRACE_MS) {
      plan.remove.push({ runId, keys: keysOf(runId), incomplete: true });
    }
  }
  plan.remove.sort((a, b) => (a.runId < b.runId ? 1 : -1));
  return plan;
}

/**
 * The newest snapshot by its time. Store times are whole seconds, so of a tie the one whose id a skewed clock did
 * not date wins, then the larger id (`runIds` come newest first).
 */
function newestRunId(runIds: readonly string[], time: (id: string) => number | 'future'): string | undefined {
  const rank = (id: string): [number, number] => {
    const t = time(id);
    if (t === 'future') return [Number.NEGATIVE_INFINITY, 0];
    return [t, (parseRunId(id)?.getTime() ?? t) - t > MAX_CLOCK_SKEW_MS ? 0 : 1];
  };
  let best: { id: string; r: [number, number] } | undefined;
  for (const id of runIds) {
    const r = rank(id);
    if (!best || r[0] > best.r[0] || (r[0] === best.r[0] && r[1] > best.r[1])) best = { id, r };
  }
  return best?.id;
}

/**
 * Records a snapshot about to go in `pruned/<runId>.json` (so `verify` knows the gap in the chain is prune's), before
 * its manifest is deleted. A manifest that is gone or unreadable already leaves no record: it was no link.
 */
async function recordPruned(store: Store, runId: string, now: Date): Promise<void> {
  const key = KEYS.snapshotManifest(runId);
  let body: Buffer;
  try {
    body = (await store.get(key)).body;
  } catch (err) {
    if (isNotFound(err)) return;
    throw err;
  }
  let manifest: ReturnType<typeof parseManifest>;
  try {
    manifest = parseManifest(body.toString('utf8'), `${store.location}/${key}`);
  } catch {
    return;
  }
  await store.put(prunedRecordKey(runId), prunedRecordText(manifest, body, now), 'application/json');
}

/** Deletes what the plan removes, one snapshot at a time, its record first, then its manifest, then the rest. */
export async function applyPrune(
  store: Store,
  plan: PrunePlan,
  log: Logger,
  now = new Date(),
): Promise<number> {
  let deleted = 0;
  for (const item of plan.remove) {
    if (!item.incomplete) await recordPruned(store, item.runId, now);
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
