/**
 * Which snapshots were ever current: only those `latest/` pointed at. A run that wrote its whole snapshot and then
 * died (or failed) before the `latest/` switch leaves an orphan that Prometheus never saw; its run id may well be
 * the newest. The snapshots `latest/` pointed at are found by following `previousRunId` (the snapshot each run
 * replaced) from `latest/manifest.json` back.
 */
import type { Manifest } from '../bucket/manifest.js';

export interface CurrentChain {
  /** The runs `latest/` pointed at, newest first: latest/, the run it replaced, and so on. */
  runIds: string[];
  /**
   * Where the chain was cut short of the first run: a `previousRunId` whose manifest is not in the store (pruned)
   * or cannot be read. Snapshots older than the cut cannot be told apart from orphans and are taken as they are.
   */
  cut?: string;
}

/** Follows `previousRunId` from `latest`; `reads` are the snapshot manifests in the store (unreadable: none). */
export function traceCurrentChain(
  latest: Manifest | undefined,
  reads: readonly { runId: string; manifest?: Manifest }[],
): CurrentChain {
  if (!latest) return { runIds: [] };
  const byRunId = new Map(reads.map((r) => [r.runId, r]));
  const runIds = [latest.runId];
  for (let previous = latest.previousRunId; previous !== null; ) {
    const manifest = byRunId.get(previous)?.manifest;
    // a chain that loops is not one the publisher wrote: stop where it repeats
    if (!manifest || runIds.includes(previous)) return { runIds, cut: previous };
    runIds.push(previous);
    previous = manifest.previousRunId;
  }
  return { runIds };
}

/** A snapshot `latest/` never pointed at: off the chain, and newer than where the chain was cut (if it was). */
export function isOrphan(chain: CurrentChain, runId: string): boolean {
  if (chain.runIds.includes(runId)) return false;
  return chain.cut === undefined || runId > chain.cut;
}
