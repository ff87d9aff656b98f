/**
 * `verify`: re-hashes every document a manifest lists and reports each object that is missing or whose sha256
 * (or size) differs from the manifest, plus objects in a snapshot folder the manifest does not list. `latest/`
 * is checked against `latest/manifest.json`, which must describe the same documents as the snapshot it names;
 * the `previousRunId` chain is walked from there back to the first run (verify-chain.ts); with a public key, every
 * manifest's signature is checked (verify-signatures.ts). A store with nothing in it is a failure, never "ok".
 */
import type { KeyObject } from 'node:crypto';
import pLimit from 'p-limit';
import { canonicalJson, sha256OfStream } from '../bucket/canonical.js';
import { KEYS } from '../bucket/keys.js';
import type { Manifest } from '../bucket/manifest.js';
import { type ListedObject, listedObjects } from '../bucket/objects.js';
import { readPrunedRecords } from '../bucket/pruned.js';
import { listSnapshots, readLatestManifest, readSnapshotManifest } from '../bucket/read.js';
import { signatureKey } from '../bucket/signature.js';
import { isAppError } from '../errors.js';
import { isNotFound, type StoreReader } from '../store/store.js';
import { readManifests } from './snapshots.js';
import { walkChain } from './verify-chain.js';
import type { VerifyProblem, VerifyReport } from './verify-report.js';
import { checkManifestSignature } from './verify-signatures.js';

export type { ProblemKind, VerifyProblem, VerifyReport } from './verify-report.js';
export { formatVerify, verifyExitCode } from './verify-report.js';

const HASH_CONCURRENCY = 8;

export interface VerifyOptions {
  /** The public key of SD_VERIFY_KEY_FILE: every manifest must carry a valid signature by its private half. */
  verifyKey?: KeyObject;
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
  options: VerifyOptions = {},
): Promise<VerifyProblem[]> {
  const objects = listedObjects(manifest, 'snapshot');
  const problems = await checkObjects(store, objects);
  const manifestKey = KEYS.snapshotManifest(manifest.runId);
  const listed = new Set([manifestKey, signatureKey(manifestKey), ...objects.map((o) => o.key)]);
  for (const key of keys) {
    if (!listed.has(key))
      problems.push({ key, kind: 'unlisted', message: 'in the snapshot folder but not in its manifest' });
  }
  if (options.verifyKey) {
    const bad = await checkManifestSignature(store, manifestKey, options.verifyKey);
    if (bad) problems.push(bad);
  }
  return problems;
}

/** Checks `latest/` documents against `latest/manifest.json`, and that manifest against its snapshot's. */
export async function verifyLatest(
  store: StoreReader,
  latest: Manifest,
  options: VerifyOptions = {},
): Promise<VerifyProblem[]> {
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
      message:
        err.code === 'SNAPSHOT_NOT_FOUND'
          ? `${KEYS.latestManifest} points at snapshot ${latest.runId}, which is not in the store`
          : err.message,
    });
  }
  if (options.verifyKey) {
    const bad = await checkManifestSignature(store, KEYS.latestManifest, options.verifyKey);
    if (bad) problems.push(bad);
  }
  return problems;
}

/** `latest/manifest.json`, or a problem when it cannot be parsed (a store failure throws). */
async function readPointerOrProblem(
  store: StoreReader,
): Promise<{ latest?: Manifest; problem?: VerifyProblem }> {
  try {
    const latest = await readLatestManifest(store);
    return latest ? { latest } : {};
  } catch (err) {
    if (!isAppError(err) || !['MANIFEST_INVALID', 'SCHEMA_UNSUPPORTED'].includes(err.code)) throw err;
    const kind = err.code === 'SCHEMA_UNSUPPORTED' ? 'unsupported' : 'manifest';
    return { problem: { key: KEYS.latestManifest, kind, message: err.message } };
  }
}

/**
 * `target` undefined: every snapshot, `latest/` and the chain; `latest`: `latest/` and its snapshot; a run id: that
 * snapshot. Throws SNAPSHOT_NOT_FOUND / SCHEMA_UNSUPPORTED when the snapshot a run id names cannot be read at all.
 */
export async function verifyStore(
  store: StoreReader,
  target?: string,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const listing = await listSnapshots(store);
  const keysOf = (runId: string) => (listing.objects.get(runId) ?? []).map((o) => o.key);
  const report: VerifyReport = {
    store: store.location,
    checked: [],
    problems: [],
    incomplete: target === undefined ? listing.incomplete : [],
    chain: null,
    offChain: [],
    signatures: options.verifyKey ? 'checked' : 'unchecked',
  };
  const checkOne = async (m: Manifest) => {
    report.problems.push(...(await verifySnapshot(store, m, keysOf(m.runId), options)));
    report.checked.push({ scope: `snapshots/${m.runId}`, documents: Object.keys(m.documents).length });
  };
  if (target !== undefined && target !== 'latest') {
    await checkOne(await readSnapshotManifest(store, target));
    return report;
  }
  const { latest, problem } = await readPointerOrProblem(store);
  if (problem) report.problems.push(problem);
  else if (!latest) report.problems.push(nothingThere(store, listing.runIds.length));
  if (report.problems.some((p) => p.kind === 'empty')) return report;
  if (target === 'latest') {
    if (latest) await checkLatest(store, latest, report, options);
    if (latest && listing.runIds.includes(latest.runId))
      await checkOne(await readSnapshotManifest(store, latest.runId));
    return report;
  }
  const manifests = new Map<string, Manifest>();
  for (const read of await readManifests(store, listing.runIds)) {
    if (read.manifest) {
      manifests.set(read.runId, read.manifest);
      await checkOne(read.manifest);
    } else {
      const kind = read.error?.code === 'SCHEMA_UNSUPPORTED' ? 'unsupported' : 'manifest';
      report.problems.push({
        key: KEYS.snapshotManifest(read.runId),
        kind,
        message: read.error?.message ?? 'unreadable',
      });
    }
  }
  if (latest) {
    await checkLatest(store, latest, report, options);
    const pruned = await readPrunedRecords(store);
    for (const p of pruned.problems)
      report.problems.push({ key: p.key, kind: 'manifest', message: p.problem });
    const walk = walkChain(latest, listing.runIds, manifests, pruned.byRunId);
    report.chain = walk.chain;
    report.offChain = walk.offChain;
    report.problems.push(...walk.problems);
  }
  return report;
}

async function checkLatest(
  store: StoreReader,
  latest: Manifest,
  report: VerifyReport,
  options: VerifyOptions,
): Promise<void> {
  report.problems.push(...(await verifyLatest(store, latest, options)));
  report.checked.push({ scope: 'latest', documents: Object.keys(latest.documents).length });
}

/** No pointer: an empty store (or a store named wrong) when there are no snapshots either; else a missing pointer. */
function nothingThere(store: StoreReader, snapshots: number): VerifyProblem {
  if (snapshots === 0)
    return {
      key: KEYS.latestManifest,
      kind: 'empty',
      message: `nothing published in ${store.location}: no ${KEYS.latestManifest} and no snapshot under ${KEYS.snapshotsPrefix} (is SD_STORE right?)`,
    };
  return {
    key: KEYS.latestManifest,
    kind: 'missing',
    message: `missing in ${store.location}, which holds ${snapshots} snapshots: latest/ was never switched, or was deleted`,
  };
}
