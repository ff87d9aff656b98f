/**
 * The bucket layout (DESIGN §4): every key the publisher writes and the server and the auditors read, and the
 * patterns a request path must match before it becomes a key. One place, so the writer and the readers cannot
 * disagree about where an object lives.
 */

/** `YYYYMMDDTHHMMSSZ` (UTC). */
export const RUN_ID_RE = /^\d{8}T\d{6}Z$/;

/** A document name: safe as an object key and a file name (see document-name.ts for how names are made). */
export const DOCUMENT_NAME_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,250}$/;

export const KEYS = {
  latestManifest: 'latest/manifest.json',
  latestDocument: (name: string) => `latest/${name}.json`,
  latestInfo: (name: string) => `latest/${name}.info.prom`,
  snapshotsPrefix: 'snapshots/',
  snapshotPrefix: (runId: string) => `snapshots/${runId}/`,
  snapshotManifest: (runId: string) => `snapshots/${runId}/manifest.json`,
  snapshotDocument: (runId: string, name: string) => `snapshots/${runId}/${name}.json`,
  snapshotInfo: (runId: string, name: string) => `snapshots/${runId}/${name}.info.prom`,
  status: 'status.json',
} as const;

const RUN = RUN_ID_RE.source.slice(1, -1);
const FILE = `${DOCUMENT_NAME_RE.source.slice(1, -1)}(?:\\.json|\\.info\\.prom)`;

/** Keys a reader may be handed from outside: `latest/<file>`, `snapshots/<runId>/<file>` (`.json`, `.info.prom`), `status.json`. */
export const READABLE_KEY_RE = new RegExp(`^(?:latest/${FILE}|snapshots/${RUN}/${FILE}|status\\.json)$`);

/** Folders that can be listed: `latest/`, `snapshots/`, `snapshots/<runId>/`. */
export const LISTABLE_PREFIX_RE = new RegExp(`^(?:latest/|snapshots/|snapshots/${RUN}/)$`);

/** The run id of a key under `snapshots/`, or undefined for any other key. */
export function runIdOfKey(key: string): string | undefined {
  const runId = key.startsWith(KEYS.snapshotsPrefix) ? key.split('/')[1] : undefined;
  return runId !== undefined && RUN_ID_RE.test(runId) ? runId : undefined;
}
