/**
 * The rendered bytes of each distinct selection of a document, so the Prometheus servers that refresh the same
 * `/discovery?…&env=…` URL every few minutes cost one filter per document switch and nothing after. Bounded (least
 * recently used out first, by entries and by bytes) and emptied when the served document set changes. Concurrent
 * requests for a selection not yet rendered share one rendering.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { DocumentSet, ServedBody, ServedDocument } from './document-set.js';
import type { Selection } from './selection.js';
import { type Attributes, infoToAttributes, renderSelection } from './selection-filter.js';

export const SELECTION_CACHE_ENTRIES = 256;
export const SELECTION_CACHE_BYTES = 32 * 1024 * 1024;

const gzipAsync = promisify(gzip);

export interface SelectionCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
}

export interface SelectionCache {
  /** The selected part of `doc` of `set`, with its validators; rendered at most once per set and selection. */
  get(set: DocumentSet, doc: ServedDocument, selection: Selection): Promise<ServedBody>;
  stats(): SelectionCacheStats;
}

export interface SelectionCacheOptions {
  maxEntries?: number;
  maxBytes?: number;
}

/**
 * `"<first 32 hex of the document's sha256>-<first 16 hex of the selection key's sha256>"` (`-gzip` for the gzip
 * variant): the same on every replica and after a restart, and never the whole document's own tag.
 */
export function selectionEtags(
  documentSha256: string,
  selection: Selection,
): { etag: string; gzipEtag: string } {
  const tag = `${documentSha256.slice(0, 32)}-${createHash('sha256').update(selection.key).digest('hex').slice(0, 16)}`;
  return { etag: `"${tag}"`, gzipEtag: `"${tag}-gzip"` };
}

const NO_ATTRIBUTES: ReadonlyMap<string, Attributes> = new Map();
/**
 * Read once per info document, for every selection: a set keeps the info document's ServedBody when its bytes did
 * not change, so this outlives document switches, and goes with the last set that holds it.
 */
const attributesByInfo = new WeakMap<ServedBody, ReadonlyMap<string, Attributes>>();

function attributesOf(doc: ServedDocument): ReadonlyMap<string, Attributes> {
  if (!doc.info) return NO_ATTRIBUTES;
  let attributes = attributesByInfo.get(doc.info);
  if (!attributes) {
    attributes = infoToAttributes(doc.info.body.toString('utf8'), doc.prefix);
    attributesByInfo.set(doc.info, attributes);
  }
  return attributes;
}

async function buildBody(doc: ServedDocument, selection: Selection): Promise<ServedBody> {
  const text = renderSelection(doc.body.toString('utf8'), attributesOf(doc), doc.prefix, selection);
  const body = Buffer.from(text);
  const gz = await gzipAsync(body);
  return {
    sha256: createHash('sha256').update(body).digest('hex'),
    body,
    ...(gz.length < body.length ? { gzip: gz } : {}),
    ...selectionEtags(doc.sha256, selection),
    // a selection changes when its document does
    lastModifiedMs: doc.lastModifiedMs,
    lastModified: doc.lastModified,
  };
}

function sizeOf(b: ServedBody): number {
  return b.body.length + (b.gzip?.length ?? 0);
}

export function createSelectionCache(options: SelectionCacheOptions = {}): SelectionCache {
  const maxEntries = options.maxEntries ?? SELECTION_CACHE_ENTRIES;
  const maxBytes = options.maxBytes ?? SELECTION_CACHE_BYTES;
  // Map order is the recency order: a hit is moved to the end, eviction takes from the front
  const entries = new Map<string, ServedBody>();
  const pending = new Map<string, Promise<ServedBody>>();
  let forSet: DocumentSet | undefined;
  let bytes = 0;
  let hits = 0;
  let misses = 0;

  const keep = (key: string, served: ServedBody) => {
    const size = sizeOf(served);
    if (size > maxBytes || maxEntries < 1) return;
    entries.set(key, served);
    bytes += size;
    for (const [oldest, old] of entries) {
      if (entries.size <= maxEntries && bytes <= maxBytes) break;
      entries.delete(oldest);
      bytes -= sizeOf(old);
    }
  };

  return {
    async get(set, doc, selection) {
      if (set !== forSet) {
        entries.clear();
        pending.clear();
        bytes = 0;
        forSet = set;
      }
      const key = `${doc.name}?${selection.key}`;
      const cached = entries.get(key);
      if (cached) {
        hits += 1;
        entries.delete(key);
        entries.set(key, cached);
        return cached;
      }
      const inFlight = pending.get(key);
      if (inFlight) return inFlight;
      misses += 1;
      const building: Promise<ServedBody> = buildBody(doc, selection).finally(() => {
        if (pending.get(key) === building) pending.delete(key);
      });
      pending.set(key, building);
      const served = await building;
      // a switch while it was rendered: the bytes are right for this request, not for the new set
      if (forSet === set) keep(key, served);
      return served;
    },
    stats: () => ({ entries: entries.size, bytes, hits, misses }),
  };
}
