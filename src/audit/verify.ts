/**
 * `verify`: re-hashes every document a manifest lists and reports each object that is missing or whose sha256
 * (or size) differs from the manifest, plus objects in a snapshot folder the manifest does not list. `latest/`
 * is checked against `latest/manifest.json`, which must describe the same documents as the snapshot it names.
 */
import pLimit from 'p-limit';
import { canonicalJson, sha256OfStream } from '../bucket/canonical.js';
import { KEYS } from '../bucket/keys.js';
import type { Manifest } from '../bucket/manifest.js';
import { type ListedObject, listedObjects } from '../bucket/objects.js';
import { listSnapshots, readLatestManifest, readSnapshotManifest } from '../bucket/read.js';
import { AppError, isAppError } from '../errors.js';
import { isNotFound, type StoreReader } from '../store/store.js';
import { readManifests } from './snapshots.js';

const HASH_CONCURRENCY = 8;

export type ProblemKind = 'missing' | 'mismatch' | 'unlisted' | 'manifest' | 'unsupported';

export interface VerifyProblem {
  key: string;
  kind: ProblemKind;
  message: string;
}

export interface VerifyReport {
  /** What was checked: `snapshots/<runId>` or `latest`, with the number of documents hashed. */
  checked: { scope: string; documents: number }[];
  problems: VerifyProblem[];
  /** Snapshot folders without a manifest (not snapshots; `prune` removes them), newest first. */
  incomplete: string[];
}

async function hashObject(
  store: StoreReader,
  key: string,
): Promise<{ sha256: string; bytes: number } | undefined> {
  try {
    const { stream } = await store.getStream(key);
    return await sha256OfStream(stream);
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Hashes every object a manifest lists (documents and info documents) against its entry. */
async function checkObjects(store: StoreReader, objects: readonly ListedObject[]): Promise<VerifyProblem[]> {
  const limit = pLimit(HASH_CONCURRENCY);
  const found = await Promise.all(
    objects.map((o) =>
      limit(async (): Promise<VerifyProblem | undefined> => {
        const got = await hashObject(store, o.key);
        if (!got) return { key: o.key, kind: 'missing', message: 'listed in the manifest but missing' };
        if (got.sha256 !== o.sha256 || got.bytes !== o.bytes) {
          return {
            key: o.key,
            kind: 'mismatch',
            message: `sha256 ${got.sha256} (${got.bytes} bytes), manifest says ${o.sha256} (${o.bytes} bytes)`,
          };
        }
        return undefined;
      }),
    ),
  );
  return found.filter((p): p is VerifyProblem => p !== undefined);
}

/** Checks one snapshot; `keys` are the objects listed under its folder (to find unlisted ones). */
export async function verifySnapshot(
  store: StoreReader,
  manifest: Manifest,
  keys: readonly string[],
): Promise<VerifyProblem[]> {
  const objects = listedObjects(manifest, 'snapshot');
  const problems = await checkObjects(store, objects);
  const listed = new Set([KEYS.snapshotManifest(manifest.runId), ...objects.map((o) => o.key)]);
  for (const key of keys) {
    if (!listed.has(key))
      problems.push({ key, kind: 'unlisted', message: 'in the snapshot folder but not in its manifest' });
  }
  return problems;
}

/** Checks `latest/` documents against `latest/manifest.json`, and that manifest against its snapshot's. */
export async function verifyLatest(store: StoreReader, latest: Manifest): Promise<VerifyProblem[]> {
  const problems = await checkObjects(store, listedObjects(latest, 'latest'));
  try {
    const snapshot = await readSnapshotManifest(store, latest.runId);
    // the pointer is the snapshot's manifest with a fresher checkedAt; anything else differing is tampering
    if (canonicalJson({ ...snapshot, checkedAt: '' }) !== canonicalJson({ ...latest, checkedAt: '' })) {
      problems.push({
        key: KEYS.latestManifest,
        kind: 'mismatch',
        message: `differs from ${KEYS.snapshotManifest(latest.runId)} beyond checkedAt`,
      });
    }
  } catch (err) {
    if (!isAppError(err)) throw err;
    problems.push({
      key: KEYS.snapshotManifest(latest.runId),
      kind: err.code === 'SNAPSHOT_NOT_FOUND' ? 'missing' : 'manifest',
      message: err.message,
    });
  }
  return problems;
}

/**
 * `target` undefined: every snapshot and `latest/`; `latest`: `latest/` and its snapshot; a run id: that snapshot.
 * Throws SNAPSHOT_NOT_FOUND / SCHEMA_UNSUPPORTED when the named snapshot or `latest/` cannot be read at all.
 */
export async function verifyStore(store: StoreReader, target?: string): Promise<VerifyReport> {
  const listing = await listSnapshots(store);
  const keysOf = (runId: string) => (listing.objects.get(runId) ?? []).map((o) => o.key);
  const report: VerifyReport = {
    checked: [],
    problems: [],
    incomplete: target === undefined ? listing.incomplete : [],
  };
  const checkOne = async (m: Manifest) => {
    report.problems.push(...(await verifySnapshot(store, m, keysOf(m.runId))));
    report.checked.push({ scope: `snapshots/${m.runId}`, documents: Object.keys(m.documents).length });
  };
  if (target !== undefined && target !== 'latest') {
    await checkOne(await readSnapshotManifest(store, target));
    return report;
  }
  let latest: Manifest | undefined;
  try {
    latest = await readLatestManifest(store);
  } catch (err) {
    if (
      target === 'latest' ||
      !isAppError(err) ||
      !['MANIFEST_INVALID', 'SCHEMA_UNSUPPORTED'].includes(err.code)
    )
      throw err;
    const kind = err.code === 'SCHEMA_UNSUPPORTED' ? 'unsupported' : 'manifest';
    report.problems.push({ key: KEYS.latestManifest, kind, message: err.message });
  }
  if (target === 'latest') {
    if (!latest)
      throw new AppError(
        'SNAPSHOT_NOT_FOUND',
        `read ${store.location}/${KEYS.latestManifest}: nothing published yet`,
      );
    report.problems.push(...(await verifyLatest(store, latest)));
    report.checked.push({ scope: 'latest', documents: Object.keys(latest.documents).length });
    if (listing.runIds.includes(latest.runId))
      await checkOne(await readSnapshotManifest(store, latest.runId));
    return report;
  }
  for (const read of await readManifests(store, listing.runIds)) {
    if (read.manifest) await checkOne(read.manifest);
    else {
      const kind = read.error?.code === 'SCHEMA_UNSUPPORTED' ? 'unsupported' : 'manifest';
      report.problems.push({
        key: KEYS.snapshotManifest(read.runId),
        kind,
        message: read.error?.message ?? 'unreadable',
      });
    }
  }
  if (latest) {
    report.problems.push(...(await verifyLatest(store, latest)));
    report.checked.push({ scope: 'latest', documents: Object.keys(latest.documents).length });
  }
  return report;
}

/** 0 all good · 1 an object is missing, altered or unexpected · 2 only manifests of a newer schema could not be checked. */
export function verifyExitCode(report: VerifyReport): number {
  if (report.problems.some((p) => p.kind !== 'unsupported')) return 1;
  return report.problems.length > 0 ? 2 : 0;
}

export function formatVerify(report: VerifyReport): string {
  const lines = report.checked.map((c) => `checked ${c.scope} (${c.documents} documents)`);
  for (const p of report.problems) lines.push(`${p.kind.toUpperCase()} ${p.key}: ${p.message}`);
  for (const id of report.incomplete)
    lines.push(`note: snapshots/${id}/ has no manifest (incomplete or half-pruned; not a snapshot)`);
  lines.push(
    report.problems.length === 0
      ? 'ok: every object matches its manifest'
      : `${report.problems.length} problems`,
  );
  return lines.join('\n');
}
