/**
 * One immutable set of served documents: the manifest it came from, each document's bytes (and gzip), ETags and
 * `Last-Modified`, its info document (`<name>.info.prom`) alike, and the index from a `targets`/`prefix`
 * combination to a document name. Built whole before the cache swaps it in, so a request that holds one set never
 * sees documents (or info documents) of two runs.
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { combinationKey } from '../bucket/document-name.js';
import { DOCUMENT_NAME_RE } from '../bucket/keys.js';
import type { DocumentEntry, Manifest } from '../bucket/manifest.js';
import type { ListedObject } from '../bucket/objects.js';

/** Stored bytes served from memory, with their validators. */
export interface ServedBody {
  sha256: string;
  body: Buffer;
  /** Only when smaller than `body`. */
  gzip?: Buffer;
  etag: string;
  gzipEtag: string;
}

export interface ServedDocument extends ServedBody {
  name: string;
  targets: string[];
  prefix: string;
  /** The info document, when the manifest entry has one (snapshots before info documents have none). */
  info?: ServedBody;
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

export type ObjectKind = ListedObject['kind'];

/** The bytes of document `name` (or of its info document), checked against `sha256`; throws when unavailable. */
export type ReadObject = (name: string, kind: ObjectKind, sha256: string) => Promise<Buffer>;

export function etagOf(sha256: string, coding: '' | 'gzip' = ''): string {
  return `"${sha256.slice(0, 32)}${coding ? `-${coding}` : ''}"`;
}

const gzipAsync = promisify(gzip);

/** The gzip runs on the thread pool: a large document does not stall the event loop while it loads. */
async function toServedBody(sha256: string, body: Buffer): Promise<ServedBody> {
  const gz = await gzipAsync(body, { level: 9 });
  return {
    sha256,
    body,
    ...(gz.length < body.length ? { gzip: gz } : {}),
    etag: etagOf(sha256),
    gzipEtag: etagOf(sha256, 'gzip'),
  };
}

/** `kept` when it holds the bytes `sha256` names (a run that changed nothing), else the bytes read anew. */
async function servedBodyOf(
  kept: ServedBody | undefined,
  sha256: string,
  read: () => Promise<Buffer>,
): Promise<ServedBody> {
  return kept && kept.sha256 === sha256 ? kept : await toServedBody(sha256, await read());
}

/** Only the body's own fields: spreading a ServedDocument whole would carry its old info along. */
function bodyOf(d: ServedBody): ServedBody {
  return {
    sha256: d.sha256,
    body: d.body,
    ...(d.gzip ? { gzip: d.gzip } : {}),
    etag: d.etag,
    gzipEtag: d.gzipEtag,
  };
}

async function toServed(
  name: string,
  entry: DocumentEntry,
  kept: ServedDocument | undefined,
  read: ReadObject,
): Promise<ServedDocument> {
  const doc = await servedBodyOf(kept, entry.sha256, () => read(name, 'document', entry.sha256));
  // the info document is kept or read on its own: a renamed cluster changes it, not a packed document
  const want = entry.info?.sha256;
  const info = want ? await servedBodyOf(kept?.info, want, () => read(name, 'info', want)) : undefined;
  return {
    name,
    targets: [...entry.targets],
    prefix: entry.prefix,
    ...bodyOf(doc),
    ...(info ? { info } : {}),
  };
}

/** The snapshot's createdAt, whole seconds (HTTP dates have no fractions); the load time when unparseable. */
function lastModifiedMsOf(manifest: Manifest): number {
  const createdMs = Date.parse(manifest.createdAt);
  return Number.isNaN(createdMs) ? Date.now() : Math.floor(createdMs / 1000) * 1000;
}

/**
 * The set `manifest` describes. A document or info document whose sha256 is the one `previous` holds keeps its
 * buffers; every other one is read with `read`.
 */
export async function buildDocumentSet(
  manifest: Manifest,
  previous: DocumentSet | undefined,
  read: ReadObject,
): Promise<DocumentSet> {
  const byName = new Map<string, ServedDocument>();
  const byCombination = new Map<string, string>();
  for (const [name, entry] of Object.entries(manifest.documents)) {
    if (!DOCUMENT_NAME_RE.test(name)) throw new Error(`manifest names an invalid document "${name}"`);
    byName.set(name, await toServed(name, entry, previous?.byName.get(name), read));
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
