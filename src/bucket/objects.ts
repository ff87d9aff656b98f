/** The objects a manifest vouches for, with their keys and hashes: each document and its info document. */
import { KEYS } from './keys.js';
import type { Manifest } from './manifest.js';

export const JSON_TYPE = 'application/json';
/** The Prometheus text format, as a scrape of the info document expects it. */
export const INFO_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export interface ListedObject {
  name: string;
  kind: 'document' | 'info';
  key: string;
  sha256: string;
  bytes: number;
}

/** Every object of `manifest` under `latest/` or under its snapshot folder, sorted by key. */
export function listedObjects(manifest: Manifest, scope: 'latest' | 'snapshot'): ListedObject[] {
  const out: ListedObject[] = [];
  for (const [name, entry] of Object.entries(manifest.documents)) {
    const documentKey =
      scope === 'latest' ? KEYS.latestDocument(name) : KEYS.snapshotDocument(manifest.runId, name);
    out.push({ name, kind: 'document', key: documentKey, sha256: entry.sha256, bytes: entry.bytes });
    if (entry.info) {
      const infoKey = scope === 'latest' ? KEYS.latestInfo(name) : KEYS.snapshotInfo(manifest.runId, name);
      out.push({ name, kind: 'info', key: infoKey, sha256: entry.info.sha256, bytes: entry.info.bytes });
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
