/**
 * What `prune` removed: one small `pruned/<runId>.json` per snapshot it deleted, written before the snapshot's
 * manifest goes, and never deleted. `verify` walks the `previousRunId` chain from `latest/` back; a link whose
 * snapshot is gone is no error when its record is here, and the record's `previousRunId` carries the walk on. The
 * records sit apart from the run log (`runs/`), which holds publish attempts only and may be folded.
 */
import { z } from 'zod';
import { isNotFound, type StoreReader } from '../store/store.js';
import { canonicalJson, sha256 } from './canonical.js';
import { RUN_ID_RE } from './keys.js';
import type { Manifest } from './manifest.js';

export const PRUNED_PREFIX = 'pruned/';
export const PRUNED_SCHEMA_VERSION = 1;

export function prunedRecordKey(runId: string): string {
  return `${PRUNED_PREFIX}${runId}.json`;
}

export const prunedRecordSchema = z.object({
  kind: z.literal('pruned'),
  schemaVersion: z.literal(PRUNED_SCHEMA_VERSION),
  runId: z.string().regex(RUN_ID_RE),
  previousRunId: z.string().regex(RUN_ID_RE).nullable(),
  createdAt: z.string(),
  /** sha256 of the removed manifest's bytes (its signature, if any, was over these). */
  manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
  prunedAt: z.string(),
});
export type PrunedRecord = z.infer<typeof prunedRecordSchema>;

/** The record of a snapshot about to be pruned, from its manifest and the manifest's bytes. */
export function prunedRecordText(manifest: Manifest, manifestBytes: Buffer, prunedAt: Date): string {
  const record: PrunedRecord = {
    kind: 'pruned',
    schemaVersion: PRUNED_SCHEMA_VERSION,
    runId: manifest.runId,
    previousRunId: manifest.previousRunId,
    createdAt: manifest.createdAt,
    manifestSha256: sha256(manifestBytes),
    prunedAt: prunedAt.toISOString(),
  };
  return canonicalJson(record);
}

export interface PrunedRecords {
  byRunId: Map<string, PrunedRecord>;
  /** Objects under `pruned/` that are not a record of the key they sit at. */
  problems: { key: string; problem: string }[];
}

export async function readPrunedRecords(store: StoreReader): Promise<PrunedRecords> {
  const out: PrunedRecords = { byRunId: new Map(), problems: [] };
  for (const info of await store.list(PRUNED_PREFIX)) {
    let text: string;
    try {
      text = (await store.get(info.key)).body.toString('utf8');
    } catch (err) {
      if (isNotFound(err)) continue;
      throw err;
    }
    let parsed: PrunedRecord | undefined;
    try {
      parsed = prunedRecordSchema.parse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed || info.key !== prunedRecordKey(parsed.runId))
      out.problems.push({ key: info.key, problem: 'not a pruned record of this run id' });
    else out.byRunId.set(parsed.runId, parsed);
  }
  return out;
}
