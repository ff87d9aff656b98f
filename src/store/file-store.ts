/**
 * The `file:<dir>` store. Keys map to files under the root directory. A put writes a temp file in the target
 * directory, fsyncs it and renames it over the key, so a reader sees the old file or the new one, never half.
 * The ETag is the quoted md5 of the content (as S3 answers for single-part uploads), computed on every read
 * so it can never be stale. The content type is not stored: it is derived from the key's extension
 * (`contentTypeForKey`), which is all this program needs (every object it writes is `.json`).
 */
import { type FileHandle, readdir, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { AppError } from '../errors.js';
import { isSameEtag, md5Etag } from './etag.js';
import { createExclusively, replaceIfMatch } from './file-conditional.js';
import { fileError, isMissingFileError } from './file-errors.js';
import {
  contentTypeForKey,
  listFiles,
  makeDirectory,
  openInside,
  readInfo,
  statRegularFile,
  tempName,
  writeAtomically,
} from './file-system.js';
import { checkKey, checkPrefix, invalidKeyError } from './key-check.js';
import type { ObjectInfo, Store, StoredObject, StreamedObject } from './store.js';
import { changedError, existsError, isNotFound, NOT_MODIFIED, notFoundError } from './store.js';

/** Files hashed at once by `list`: enough to overlap disk reads, few enough to stay far from EMFILE. */
const LIST_CONCURRENCY = 16;

export function createFileStore(dir: string): Store {
  return new FileStore(dir);
}

class FileStore implements Store {
  readonly location: string;
  readonly #root: string;

  constructor(dir: string) {
    this.#root = path.resolve(dir);
    this.location = `file:${this.#root}`;
  }

  async put(key: string, body: Buffer | string, _contentType: string): Promise<ObjectInfo> {
    const action = `put ${key} into ${this.location}`;
    const file = this.#keyToPath(action, 'write', key);
    try {
      const { size, etag, lastModified } = await writeAtomically(file, Buffer.from(body));
      return { key, size, etag, lastModified };
    } catch (err) {
      throw fileError(action, 'write', err);
    }
  }

  async create(key: string, body: Buffer | string, _contentType: string): Promise<ObjectInfo> {
    const action = `create ${key} in ${this.location}`;
    const file = this.#keyToPath(action, 'write', key);
    let created: Awaited<ReturnType<typeof createExclusively>>;
    try {
      created = await createExclusively(file, Buffer.from(body));
    } catch (err) {
      throw fileError(action, 'write', err);
    }
    if (created === 'exists') throw existsError(this.location, key);
    return { ...created, key };
  }

  async replace(key: string, body: Buffer | string, _contentType: string, etag: string): Promise<ObjectInfo> {
    const action = `replace ${key} in ${this.location}`;
    const file = this.#keyToPath(action, 'write', key);
    let replaced: Awaited<ReturnType<typeof replaceIfMatch>>;
    try {
      replaced = await replaceIfMatch(file, Buffer.from(body), etag);
    } catch (err) {
      throw fileError(action, 'write', err);
    }
    if (replaced === 'changed') throw changedError(this.location, key);
    return { ...replaced, key };
  }

  get(key: string): Promise<StoredObject> {
    return this.#withReadHandle(`get ${key} from ${this.location}`, key, async (fh) => {
      const st = await statRegularFile(fh);
      // one read through one handle: body, size and ETag describe the same version of the file
      const body = await fh.readFile();
      const info = { key, size: body.length, etag: md5Etag(body), lastModified: st.mtime };
      return { ...info, body, contentType: contentTypeForKey(key) };
    });
  }

  /** The file is read whole either way: its ETag is the md5 of the bytes. */
  async getIfChanged(key: string, etag: string | undefined): Promise<StoredObject | typeof NOT_MODIFIED> {
    const obj = await this.get(key);
    return etag && isSameEtag(etag, obj.etag) ? NOT_MODIFIED : obj;
  }

  async getStream(key: string): Promise<StreamedObject> {
    const action = `get ${key} from ${this.location}`;
    const fh = await this.#openKey(action, key);
    try {
      const info = await readInfo(fh, key);
      // the stream closes the handle when it ends or is destroyed
      const stream = fh.createReadStream({ start: 0, autoClose: true });
      return { stream, info, contentType: contentTypeForKey(key) };
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw this.#readError(action, key, err);
    }
  }

  head(key: string): Promise<ObjectInfo> {
    return this.#withReadHandle(`head ${key} in ${this.location}`, key, (fh) => readInfo(fh, key));
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const action = `list ${prefix || '(all)'} in ${this.location}`;
    checkPrefix(action, prefix);
    // walk only the deepest directory the prefix names, then filter by the full prefix as S3 does
    const dirPart = prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const keys: string[] = [];
    try {
      const start = dirPart ? this.#keyToPath(action, 'read', dirPart.slice(0, -1)) : this.#root;
      await listFiles(start, dirPart, keys);
    } catch (err) {
      throw fileError(action, 'read', err);
    }
    const limit = pLimit(LIST_CONCURRENCY);
    const wanted = keys.filter((k) => k.startsWith(prefix)).sort();
    const infos = await Promise.all(wanted.map((k) => limit(() => this.#headIfPresent(k))));
    return infos.filter((i): i is ObjectInfo => i !== undefined);
  }

  async delete(key: string): Promise<void> {
    const action = `delete ${key} from ${this.location}`;
    const file = this.#keyToPath(action, 'write', key);
    try {
      await unlink(file);
    } catch (err) {
      if (isMissingFileError(err)) return;
      throw fileError(action, 'write', err);
    }
  }

  check(): Promise<void> {
    return this.#checkRoot(`check ${this.location} is readable`, 'read', async () => {
      await this.#readRoot();
    });
  }

  checkWritable(): Promise<void> {
    return this.#checkRoot(`check ${this.location} is writable`, 'write', async () => {
      await makeDirectory(this.#root);
      await this.#readRoot();
      const probe = path.join(this.#root, tempName('check'));
      await writeAtomically(probe, Buffer.from('probe\n'));
      await rm(probe, { force: true });
    });
  }

  async close(): Promise<void> {}

  /** The only way a key becomes a path: checked against the key rules, then confirmed to stay under root. */
  #keyToPath(action: string, kind: 'read' | 'write', key: string): string {
    checkKey(action, kind, key);
    const file = path.resolve(this.#root, ...key.split('/'));
    if (!file.startsWith(this.#root + path.sep)) throw invalidKeyError(action, kind, key);
    return file;
  }

  #readError(action: string, key: string, err: unknown): AppError {
    if (isMissingFileError(err)) return notFoundError(this.location, key, err);
    // a symbolic link is never followed out of the store: no object has that key
    if ((err as NodeJS.ErrnoException).code === 'ELOOP')
      return new AppError('STORE_NOT_FOUND', `${action}: a symbolic link, not followed`, { cause: err });
    return fileError(action, 'read', err);
  }

  /**
   * Opens a key for reading, never through a link out of the store; the open handle pins one version of the file
   * even if a put renames over it or a prune deletes it.
   */
  async #openKey(action: string, key: string): Promise<FileHandle> {
    const file = this.#keyToPath(action, 'read', key);
    try {
      return await openInside(this.#root, file);
    } catch (err) {
      throw this.#readError(action, key, err);
    }
  }

  async #withReadHandle<T>(action: string, key: string, fn: (fh: FileHandle) => Promise<T>): Promise<T> {
    const fh = await this.#openKey(action, key);
    try {
      return await fn(fh);
    } catch (err) {
      throw this.#readError(action, key, err);
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  /** Deleted while we listed: S3 would not have listed it either. */
  async #headIfPresent(key: string): Promise<ObjectInfo | undefined> {
    try {
      return await this.head(key);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async #readRoot(): Promise<void> {
    const st = await stat(this.#root);
    if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    await readdir(this.#root);
  }

  async #checkRoot(action: string, kind: 'read' | 'write', probe: () => Promise<void>): Promise<void> {
    try {
      await probe();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new AppError('STORE_UNAVAILABLE', `${action}: directory does not exist`, { cause: err });
      }
      throw fileError(action, kind, err);
    }
  }
}
