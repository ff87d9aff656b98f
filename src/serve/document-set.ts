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
import { INFO_TYPE, JSON_TYPE, type ListedObject } from '../bucket/objects.js';

/** Stored bytes served from memory, with their validators. */
export interface ServedBody {
  sha256: string;
  body: Buffer;
  /** Only when smaller than `body`. */
  gzip?: Buffer;
  etag: string;
  gzipEtag: string;
  /** When this server first served these bytes (see `lastModifiedOf`), whole seconds, and as an HTTP date. */
  lastModifiedMs: number;
  lastModified: string;
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
  byName: ReadonlyMap<string, ServedDocument>;
  /** combinationKey → document name */
  byCombination: ReadonlyMap<string, string>;
  loadedAt: Date;
}

export type ObjectKind = ListedObject['kind'];

/** The bytes of document `name` (or of its info document), checked against `sha256`; throws when unavailable. */
export type ReadObject = (name: string, kind: ObjectKind, sha256: string) => Promise<Buffer>;

const JSON_SUFFIX = '.json';
const INFO_SUFFIX = '.info.prom';

/**
 * A file of `/sd/`: `<name>.json` is the document, `<name>.info.prom` its info document, with the content type
 * each is served with; undefined for any other name.
 */
export function parseServedFile(file: string): { name: string; info: boolean; type: string } | undefined {
  const info = file.endsWith(INFO_SUFFIX);
  if (!info && !file.endsWith(JSON_SUFFIX)) return undefined;
  const name = file.slice(0, -(info ? INFO_SUFFIX : JSON_SUFFIX).length);
  return { name, info, type: info ? INFO_TYPE : JSON_TYPE };
}

export function etagOf(sha256: string, coding: '' | 'gzip' = ''): string {
  return `"${sha256.slice(0, 32)}${coding ? `-${coding}` : ''}"`;
}

const gzipAsync = promisify(gzip);

/**
 * `Last-Modified` of new bytes (issue 14): the snapshot's createdAt, but never ahead of this server's clock (a
 * publisher a year ahead), and at least a second after the bytes it replaces, so it never goes backwards (a
 * publisher's clock set back) and two contents within one second never share it. Whole seconds, as HTTP dates.
 */
export function lastModifiedOf(createdAtMs: number, nowMs: number, previousMs?: number): number {
  const base = Math.floor((Number.isNaN(createdAtMs) ? nowMs : Math.min(createdAtMs, nowMs)) / 1000) * 1000;
  return previousMs === undefined ? base : Math.max(base, previousMs + 1000);
}

/** The gzip runs on the thread pool: a large document does not stall the event loop while it loads. */
async function toServedBody(sha256: string, body: Buffer, lastModifiedMs: number): Promise<ServedBody> {
  const gz = await gzipAsync(body, { level: 9 });
  return {
    sha256,
    body,
    ...(gz.length < body.length ? { gzip: gz } : {}),
    etag: etagOf(sha256),
    gzipEtag: etagOf(sha256, 'gzip'),
    lastModifiedMs,
    lastModified: new Date(lastModifiedMs).toUTCString(),
  };
}

/** When a body is read anew: the snapshot's createdAt and this server's clock. */
interface Clock {
  createdAtMs: number;
  nowMs: number;
}

/** `kept` when it holds the bytes `sha256` names (a run that changed nothing), else the bytes read anew. */
async function servedBodyOf(
  kept: ServedBody | undefined,
  sha256: string,
  clock: Clock,
  read: () => Promise<Buffer>,
): Promise<ServedBody> {
  if (kept && kept.sha256 === sha256) return kept;
  const lastModifiedMs = lastModifiedOf(clock.createdAtMs, clock.nowMs, kept?.lastModifiedMs);
  return toServedBody(sha256, await read(), lastModifiedMs);
}

/** Only the body's own fields: spreading a ServedDocument whole would carry its old info along. */
function bodyOf(d: ServedBody): ServedBody {
  return {
    sha256: d.sha256,
    body: d.body,
    ...(d.gzip ? { gzip: d.gzip } : {}),
    etag: d.etag,
    gzipEtag: d.gzipEtag,
    lastModifiedMs: d.lastModifiedMs,
    lastModified: d.lastModified,
  };
}

async function toServed(
  name: string,
  entry: DocumentEntry,
  kept: ServedDocument | undefined,
  clock: Clock,
  read: ReadObject,
): Promise<ServedDocument> {
  const doc = await servedBodyOf(kept, entry.sha256, clock, () => read(name, 'document', entry.sha256));
  // the info document is kept or read on its own: a renamed cluster changes it, not a packed document
  const want = entry.info?.sha256;
  const info = want ? await servedBodyOf(kept?.info, want, clock, () => read(name, 'info', want)) : undefined;
  return {
    name,
    targets: [...entry.targets],
    prefix: entry.prefix,
    ...bodyOf(doc),
    ...(info ? { info } : {}),
  };
}

/**
 * The set `manifest` describes. A document or info document whose sha256 is the one `previous` holds keeps its
 * buffers; every other one is read with `read`.
 */
export async function buildDocumentSet(
  manifest: Manifest,
  previous: DocumentSet | undefined,
  read: ReadObject,
  nowMs: number = Date.now(),
): Promise<DocumentSet> {
  const clock = { createdAtMs: Date.parse(manifest.createdAt), nowMs };
  const byName = new Map<string, ServedDocument>();
  const byCombination = new Map<string, string>();
  for (const [name, entry] of Object.entries(manifest.documents)) {
    if (!DOCUMENT_NAME_RE.test(name)) throw new Error(`manifest names an invalid document "${name}"`);
    byName.set(name, await toServed(name, entry, previous?.byName.get(name), clock, read));
  }
  // documents of SD_CONFIG_FILE `documents:` may share targets and prefix: `/discovery` answers the one without a
  // selection, else the first by name — the same one on every replica (the others by `/sd/<name>.json`)
  const named = Object.entries(manifest.documents).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, entry] of [
    ...named.filter(([, e]) => !e.selection),
    ...named.filter(([, e]) => e.selection),
  ]) {
    const key = combinationKey(entry);
    if (!byCombination.has(key)) byCombination.set(key, name);
  }
  return {
    manifest,
    byName,
    byCombination,
    loadedAt: new Date(),
  };
}
