/**
 * The `previousRunId` chain, walked from `latest/` back to the first run: every link must be a snapshot in the
 * store, or one `prune` recorded removing (`pruned/<runId>.json`, whose `previousRunId` carries the walk on). A link
 * that is neither was deleted by someone else (or never written): reported, and the walk stops there.
 */
import { KEYS } from '../bucket/keys.js';
import type { Manifest } from '../bucket/manifest.js';
import type { PrunedRecord } from '../bucket/pruned.js';
import type { VerifyChain, VerifyProblem } from './verify-report.js';

export interface ChainWalk {
  chain: VerifyChain;
  problems: VerifyProblem[];
  /** Complete snapshots the walk did not reach, newest first. */
  offChain: string[];
}

/**
 * `present`: every snapshot run id with a manifest in the store (readable or not), `manifests` those that parsed.
 * An unreadable manifest is reported elsewhere; the walk stops at it without a second problem.
 */
export function walkChain(
  latest: Manifest,
  present: readonly string[],
  manifests: ReadonlyMap<string, Manifest>,
  pruned: ReadonlyMap<string, PrunedRecord>,
): ChainWalk {
  // the walk starts at the pointer itself (a copy of its snapshot's manifest, checked against it elsewhere)
  const chain: VerifyChain = { runIds: [latest.runId], pruned: [], complete: latest.previousRunId === null };
  const problems: VerifyProblem[] = [];
  let runId: string | null = latest.previousRunId;
  let namedBy: string = KEYS.latestManifest;
  while (runId !== null) {
    if (chain.runIds.includes(runId)) {
      problems.push({ key: namedBy, kind: 'chain', message: `previousRunId ${runId} loops back` });
      break;
    }
    const manifest = manifests.get(runId);
    const record = pruned.get(runId);
    if (manifest) {
      chain.runIds.push(runId);
      namedBy = KEYS.snapshotManifest(runId);
      runId = manifest.previousRunId;
    } else if (present.includes(runId)) {
      chain.runIds.push(runId);
      break; // unreadable: reported with the manifest's own problem
    } else if (record) {
      chain.runIds.push(runId);
      chain.pruned.push(runId);
      namedBy = `pruned/${runId}.json`;
      runId = record.previousRunId;
    } else {
      problems.push({
        key: KEYS.snapshotManifest(runId),
        kind: 'chain',
        message: `${namedBy} names it as the snapshot it replaced, but it is not in the store and prune recorded no removal (pruned/${runId}.json)`,
      });
      break;
    }
    if (runId === null) chain.complete = true;
  }
  const offChain = present.filter((id) => !chain.runIds.includes(id));
  return { chain, problems, offChain };
}
