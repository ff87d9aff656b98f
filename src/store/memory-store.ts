/**
 * A store in memory, for unit tests of the publisher, the server and the auditors' tools: the same key rules,
 * not-found errors, quoted md5 ETags, sizes, sorted listings and conditional reads as the file and S3 stores, and
 * the same contract suite. Bytes are copied on the way in and on the way out, so a caller that mutates a buffer
 * it passed to `put` or got from `get` never changes what the store holds.
 */
import { Readable } from 'node:stream';
import { isSameEtag, md5Etag } from './etag.js';
import { checkKey, checkPrefix } from './key-check.js';
import type { ObjectInfo, Store, StoredObject, StreamedObject } from './store.js';
import { byKey, changedError, existsError, NOT_MODIFIED, notFoundError } from './store.js';

interface MemoryObject {
  body: Buffer;
  contentType: string;
  etag: string;
  lastModified: Date;
}

let stores = 0;

/** Each store is its own empty map, named `memory:<n>` so two of them tell apart in messages. */
export function createMemoryStore(): Store {
  return new MemoryStore(`memory:${++stores}`);
}

class MemoryStore implements Store {
  readonly #objects = new Map<string, MemoryObject>();

  constructor(readonly location: string) {}

  async put(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo> {
    checkKey(`put ${key} into ${this.location}`, 'write', key);
    // Buffer.from copies a Buffer, so the caller keeps its own bytes
    const bytes = Buffer.from(body);
    const obj = { body: bytes, contentType, etag: md5Etag(bytes), lastModified: new Date() };
    this.#objects.set(key, obj);
    return infoOf(key, obj);
  }

  /** Check and set run in one turn of the event loop: no other call can come between them. */
  async create(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo> {
    checkKey(`create ${key} in ${this.location}`, 'write', key);
    if (this.#objects.has(key)) throw existsError(this.location, key);
    return this.put(key, body, contentType);
  }

  async replace(key: string, body: Buffer | string, contentType: string, etag: string): Promise<ObjectInfo> {
    checkKey(`replace ${key} in ${this.location}`, 'write', key);
    const current = this.#objects.get(key);
    if (!current || !isSameEtag(etag, current.etag)) throw changedError(this.location, key);
    return this.put(key, body, contentType);
  }

  async get(key: string): Promise<StoredObject> {
    const obj = this.#find(`get ${key} from ${this.location}`, key);
    return { ...infoOf(key, obj), body: Buffer.from(obj.body), contentType: obj.contentType };
  }

  async getIfChanged(key: string, etag: string | undefined): Promise<StoredObject | typeof NOT_MODIFIED> {
    const obj = this.#find(`get ${key} from ${this.location}`, key);
    if (etag && isSameEtag(etag, obj.etag)) return NOT_MODIFIED;
    return this.get(key);
  }

  async getStream(key: string): Promise<StreamedObject> {
    const obj = this.#find(`get ${key} from ${this.location}`, key);
    const stream = Readable.from([Buffer.from(obj.body)], { objectMode: false });
    return { stream, info: infoOf(key, obj), contentType: obj.contentType };
  }

  async head(key: string): Promise<ObjectInfo> {
    return infoOf(key, this.#find(`head ${key} in ${this.location}`, key));
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    checkPrefix(`list ${prefix || '(all)'} in ${this.location}`, prefix);
    const out: ObjectInfo[] = [];
    for (const [key, obj] of this.#objects) if (key.startsWith(prefix)) out.push(infoOf(key, obj));
    return out.sort(byKey);
  }

  async delete(key: string): Promise<void> {
    checkKey(`delete ${key} from ${this.location}`, 'write', key);
    this.#objects.delete(key);
  }

  /** Always reachable: the map lives as long as the store. */
  async check(): Promise<void> {}

  async checkWritable(): Promise<void> {}

  async close(): Promise<void> {}

  #find(action: string, key: string): MemoryObject {
    checkKey(action, 'read', key);
    const obj = this.#objects.get(key);
    if (!obj) throw notFoundError(this.location, key);
    return obj;
  }
}

function infoOf(key: string, obj: MemoryObject): ObjectInfo {
  return { key, size: obj.body.length, etag: obj.etag, lastModified: new Date(obj.lastModified) };
}
