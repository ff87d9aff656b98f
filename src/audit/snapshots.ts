/**
 * Reading snapshots back for the auditors' tools (history, diff, verify, prune): many manifests at once, a
 * snapshot named by run id, `latest` or a time, and a snapshot's documents. Single objects are read through
 * bucket/read.ts.
 */
import pLimit from 'p-limit';
import { KEYS, RUN_ID_RE } from '../bucket/keys.js';
import type { Manifest } from '../bucket/manifest.js';
import { listSnapshots, readLatestManifest, readSnapshotManifest } from '../bucket/read.js';
import { parseRunId } from '../bucket/run-id.js';
import { AppError, isAppError } from '../errors.js';
import { isNotFound, type StoreReader } from '../store/store.js';
import { type CurrentChain, traceCurrentChain } from './current-chain.js';
import { readSwitchTimes, sinceMs } from './current-times.js';

/** Manifests read at once: enough to hide S3 latency, few enough to stay polite. */
const READ_CONCURRENCY = 8;

export interface ManifestRead {
  runId: string;
  manifest?: Manifest;
  error?: AppError;
}

/** Reads many snapshot manifests; a manifest that cannot be read is reported in `error`, the others still come. */
export async function readManifests(store: StoreReader, runIds: readonly string[]): Promise<ManifestRead[]> {
  const limit = pLimit(READ_CONCURRENCY);
  return Promise.all(
    runIds.map((runId) =>
      limit(async (): Promise<ManifestRead> => {
        try {
          return { runId, manifest: await readSnapshotManifest(store, runId) };
        } catch (err) {
          if (
            isAppError(err) &&
            ['SCHEMA_UNSUPPORTED', 'MANIFEST_INVALID', 'SNAPSHOT_NOT_FOUND'].includes(err.code)
          ) {
            return { runId, error: err };
          }
          throw err;
        }
      }),
    ),
  );
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** An ISO 8601 time (a time without a zone is UTC) or a run id; anything else is a USAGE error (exit 2). */
export function parseTime(text: string, what: string): Date {
  const runTime = parseRunId(text);
  if (runTime) return runTime;
  const m = ISO_RE.exec(text.trim());
  if (m) {
    const withZone = text.includes(':') && m[1] === undefined ? `${text.trim()}Z` : text.trim();
    const d = new Date(withZone.replace(' ', 'T'));
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new AppError('USAGE', `${what}: "${text}" is not an ISO 8601 time (e.g. 2025-01-31T12:00:00Z)`);
}

export type SnapshotRef = { kind: 'latest' } | { kind: 'run'; runId: string } | { kind: 'time'; time: Date };

/** `latest`, a run id, or an ISO time (the snapshot current at that time). */
export function parseSnapshotRef(text: string): SnapshotRef {
  if (text === 'latest') return { kind: 'latest' };
  if (RUN_ID_RE.test(text)) return { kind: 'run', runId: text };
  try {
    return { kind: 'time', time: parseTime(text, 'snapshot') };
  } catch {
    throw new AppError('USAGE', `"${text}" is not a run id (YYYYMMDDTHHMMSSZ), "latest" or an ISO time`);
  }
}

/** When a snapshot was written: its manifest's createdAt (the run id's time when that is not a time). */
export function snapshotTime(m: Manifest): number {
  const t = Date.parse(m.createdAt);
  return Number.isNaN(t) ? (parseRunId(m.runId)?.getTime() ?? 0) : t;
}

/**
 * The newest snapshot that had become current at or before `time` (current-times.ts: its switch, else its
 * createdAt). `manifests` newest first.
 */
export function selectSnapshotAt(
  manifests: readonly Manifest[],
  time: Date,
  switches: ReadonlyMap<string, string> = new Map(),
): Manifest | undefined {
  return manifests.find((m) => sinceMs(m, switches) <= time.getTime());
}

/** Every snapshot of the store read at once: the pointer, each manifest, and the runs `latest/` pointed at. */
export interface SnapshotsRead {
  latest: Manifest | undefined;
  /** Every snapshot's manifest (or why it cannot be read), newest first. */
  reads: ManifestRead[];
  chain: CurrentChain;
  /** When each snapshot's run switched `latest/` to it, from the run log (absent for older snapshots). */
  switches: ReadonlyMap<string, string>;
}

export async function readAllSnapshots(store: StoreReader): Promise<SnapshotsRead> {
  const [listing, latest] = await Promise.all([listSnapshots(store), readLatestManifest(store)]);
  const reads = await readManifests(store, listing.runIds);
  const manifests = reads.flatMap((r) => (r.manifest ? [r.manifest] : []));
  const switches = await readSwitchTimes(store, manifests);
  return { latest, reads, chain: traceCurrentChain(latest, reads), switches };
}

/** The manifests of the snapshots `latest/` pointed at, newest first (latest/ itself when its own is unreadable). */
export function chainedManifests(s: SnapshotsRead): Manifest[] {
  const byRunId = new Map(s.reads.map((r) => [r.runId, r.manifest]));
  return s.chain.runIds
    .map((id) => (id === s.latest?.runId ? (byRunId.get(id) ?? s.latest) : byRunId.get(id)))
    .filter((m): m is Manifest => m !== undefined);
}

/**
 * The snapshot that was current at `time`: of the runs `latest/` pointed at, the newest that had become current at
 * or before it (an orphan never was). Past a cut in the chain (a pruned snapshot) the older snapshots are taken as they are;
 * an unreadable manifest there is thrown, as nothing can be said without it.
 */
export function selectCurrentAt(s: SnapshotsRead, time: Date): Manifest | undefined {
  const current = selectSnapshotAt(chainedManifests(s), time, s.switches);
  const cut = s.chain.cut;
  if (current || cut === undefined) return current;
  for (const read of s.reads) {
    if (read.runId > cut) continue;
    if (read.error) throw read.error;
    if (read.manifest && sinceMs(read.manifest, s.switches) <= time.getTime()) return read.manifest;
  }
  return undefined;
}

/** The manifest a reference names; SNAPSHOT_NOT_FOUND when none. */
export async function resolveSnapshotRef(store: StoreReader, ref: SnapshotRef): Promise<Manifest> {
  if (ref.kind === 'run') return readSnapshotManifest(store, ref.runId);
  if (ref.kind === 'latest') {
    const latest = await readLatestManifest(store);
    if (!latest) throw nothingPublished(store);
    return readSnapshotManifest(store, latest.runId);
  }
  // every manifest is read: the chain runs through them, and a run id is no reliable lower bound of createdAt
  const current = selectCurrentAt(await readAllSnapshots(store), ref.time);
  if (current) return current;
  throw new AppError(
    'SNAPSHOT_NOT_FOUND',
    `no snapshot in ${store.location} was current at ${ref.time.toISOString()}`,
  );
}

export function nothingPublished(store: StoreReader): AppError {
  return new AppError(
    'SNAPSHOT_NOT_FOUND',
    `read ${store.location}/${KEYS.latestManifest}: nothing published yet`,
  );
}

/** The bytes of every document of a snapshot, by document name. */
export function readSnapshotDocuments(store: StoreReader, manifest: Manifest): Promise<Map<string, string>> {
  const names = Object.keys(manifest.documents).sort();
  return readSnapshotObjects(store, manifest.runId, names, KEYS.snapshotDocument);
}

/** The bytes of every info document a snapshot's manifest lists (older snapshots have none), by document name. */
export function readSnapshotInfos(store: StoreReader, manifest: Manifest): Promise<Map<string, string>> {
  const names = Object.keys(manifest.documents)
    .filter((name) => manifest.documents[name]?.info !== undefined)
    .sort();
  return readSnapshotObjects(store, manifest.runId, names, KEYS.snapshotInfo);
}

async function readSnapshotObjects(
  store: StoreReader,
  runId: string,
  names: readonly string[],
  keyOf: (runId: string, name: string) => string,
): Promise<Map<string, string>> {
  const limit = pLimit(READ_CONCURRENCY);
  const bodies = await Promise.all(
    names.map((name) =>
      limit(async () => {
        const key = keyOf(runId, name);
        try {
          return (await store.get(key)).body.toString('utf8');
        } catch (err) {
          if (!isNotFound(err)) throw err;
          // a snapshot whose manifest exists but an object it lists does not is damaged (exit 1), not a bad argument
          throw new AppError(
            'STORE_NOT_FOUND',
            `read snapshot ${runId}: ${key} is missing (run confluent-sd verify)`,
            {
              cause: err,
            },
          );
        }
      }),
    ),
  );
  return new Map(names.map((n, i) => [n, bodies[i] ?? '']));
}
