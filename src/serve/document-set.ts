/**
 * One immutable set of served documents: the manifest it came from, each document's bytes (and gzip), ETags and
 * `Last-Modified`, and the index from a `targets`/`prefix` combination to a document name. Built whole before the
 * cache swaps it in, so a request that holds one set never sees documents of two runs.
 */
import { gzipSync } from 'node:zlib';
import { combinationKey } from '../bucket/document-name.js';
import { DOCUMENT_NAME_RE } from '../bucket/keys.js';
import type { DocumentEntry, Manifest } from '../bucket/manifest.js';

export interface ServedDocument {
  name: string;
  targets: string[];
  prefix: string;
  sha256: string;
  body: Buffer;
  /** Only when smaller than `body`. */
  gzip?: Buffer;
  etag: string;
  gzipEtag: string;
}

export interface DocumentSet {
  manifest: Manifest;
  /** `Last-Modified` of every document: the snapshot's createdAt as an HTTP date. */
  lastModified: string;
  lastModifiedMs: number;
  byName: ReadonlyMap<string, ServedDocument>;
  /** combinationKey → document name */
  byCombination: ReadonlyMap<string, string>;
  loadedAt: Date;
}

/** The bytes of the document `name`, checked against the manifest's `sha256`; throws when they cannot be had. */
export type ReadDocument = (name: string, sha256: string) => Promise<Buffer>;

export function etagOf(sha256: string, coding: '' | 'gzip' = ''): string {
  return `"${sha256.slice(0, 32)}${coding ? `-${coding}` : ''}"`;
}

function toServed(name: string, entry: DocumentEntry, body: Buffer): ServedDocument {
  const gz = gzipSync(body, { level: 9 });
  return {
    name,
    targets: [...entry.targets],
    prefix: entry.prefix,
    sha256: entry.sha256,
    body,
    ...(gz.length < body.length ? { gzip: gz } : {}),
    etag: etagOf(entry.sha256),
    gzipEtag: etagOf(entry.sha256, 'gzip'),
  };
}

/** The snapshot's createdAt, whole seconds (HTTP dates have no fractions); the load time when unparseable. */
function lastModifiedMsOf(manifest: Manifest): number {
  const createdMs = Date.parse(manifest.createdAt);
  return Number.isNaN(createdMs) ? Date.now() : Math.floor(createdMs / 1000) * 1000;
}

/**
 * The set `manifest` describes. A document whose sha256 is the one `previous` holds keeps its buffers (a run that
 * changed nothing only refreshes checkedAt); every other one is read with `read`.
 */
export async function buildDocumentSet(
  manifest: Manifest,
  previous: DocumentSet | undefined,
  read: ReadDocument,
): Promise<DocumentSet> {
  const byName = new Map<string, ServedDocument>();
  const byCombination = new Map<string, string>();
  for (const [name, entry] of Object.entries(manifest.documents)) {
    if (!DOCUMENT_NAME_RE.test(name)) throw new Error(`manifest names an invalid document "${name}"`);
    const kept = previous?.byName.get(name);
    const doc =
      kept && kept.sha256 === entry.sha256
        ? { ...kept, targets: [...entry.targets], prefix: entry.prefix }
        : toServed(name, entry, await read(name, entry.sha256));
    byName.set(name, doc);
    byCombination.set(combinationKey(entry), name);
  }
  const lastModifiedMs = lastModifiedMsOf(manifest);
  return {
    manifest,
    lastModified: new Date(lastModifiedMs).toUTCString(),
    lastModifiedMs,
    byName,
    byCombination,
    loadedAt: new Date(),
  };
}
