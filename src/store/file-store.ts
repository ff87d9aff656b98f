/**
 * The `file:<dir>` store. Keys map to files under the root directory. A put writes a temp file in the target
 * directory, fsyncs it and renames it over the key, so a reader sees the old file or the new one, never half.
 * The ETag is the quoted md5 of the content (as S3 answers for single-part uploads), computed on every read
 * so it can never be stale. The content type is not stored: it is derived from the key's extension
 * (`contentTypeForKey`), which is all this program needs (every object it writes is `.json`).
 */
import { createHash, randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import pLimit from 'p-limit';
import { AppError } from '../errors.js';
import { fileError, isMissingFileError } from './file-errors.js';
import { checkKey, checkPrefix, invalidKeyError } from './key-check.js';
import {
  isSameEtag,
  isValidKey,
  notFoundError,
  type ObjectInfo,
  type Store,
  type StreamedObject,
} from './store.js';

/** Temp files (`.<name>.tmp-<hex>`) and check probes are never listed. */
const TEMP_RE = /^\..*\.tmp-[0-9a-f]{12}$/;
const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};
/** Files hashed at once by `list`: enough to overlap disk reads, few enough to stay far from EMFILE. */
const LIST_CONCURRENCY = 16;

function md5Etag(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

export function contentTypeForKey(key: string): string {
  return CONTENT_TYPES[path.extname(key).toLowerCase()] ?? 'application/octet-stream';
}

export function createFileStore(dir: string): Store {
  const root = path.resolve(dir);
  const location = `file:${root}`;

  /** The only way a key becomes a path: checked against the key rules, then confirmed to stay under root. */
  function keyToPath(action: string, kind: 'read' | 'write', key: string): string {
    checkKey(action, kind, key);
    const file = path.resolve(root, ...key.split('/'));
    if (!file.startsWith(root + path.sep)) throw invalidKeyError(action, kind, key);
    return file;
  }

  async function readInfo(fh: FileHandle, key: string): Promise<ObjectInfo> {
    const st = await fh.stat();
    if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    const hash = createHash('md5');
    const buf = Buffer.allocUnsafe(64 * 1024);
    // positional reads leave the handle's own position at 0 for a stream opened afterwards
    for (let pos = 0; ; ) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
    return { key, size: st.size, etag: `"${hash.digest('hex')}"`, lastModified: st.mtime };
  }

  /** Opens a key for reading; the open handle pins one version of the file even if a put renames over it. */
  async function openKey(action: string, key: string): Promise<FileHandle> {
    const file = keyToPath(action, 'read', key);
    try {
      return await open(file, 'r');
    } catch (err) {
      if (isMissingFileError(err)) throw notFoundError(location, key, err);
      throw fileError(action, 'read', err);
    }
  }

  async function withReadHandle<T>(
    action: string,
    key: string,
    fn: (fh: FileHandle) => Promise<T>,
  ): Promise<T> {
    const fh = await openKey(action, key);
    try {
      return await fn(fh);
    } catch (err) {
      if (isMissingFileError(err)) throw notFoundError(location, key, err);
      throw fileError(action, 'read', err);
    } finally {
      await fh.close().catch(() => undefined);
    }
  }

  async function head(key: string): Promise<ObjectInfo> {
    return withReadHandle(`head ${key} in ${location}`, key, (fh) => readInfo(fh, key));
  }

  async function listFiles(dirPath: string, keyPrefix: string, out: string[]): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dirPath, { withFileTypes: true });
    } catch (err) {
      if (isMissingFileError(err)) return;
      throw err;
    }
    for (const entry of entries) {
      const key = keyPrefix + entry.name;
      if (entry.isDirectory()) await listFiles(path.join(dirPath, entry.name), `${key}/`, out);
      else if (entry.isFile() && !TEMP_RE.test(entry.name) && isValidKey(key)) out.push(key);
    }
  }

  async function writeAtomically(file: string, body: Buffer): Promise<ObjectInfo> {
    await makeDirectory(path.dirname(file));
    const temp = path.join(
      path.dirname(file),
      `.${path.basename(file)}.tmp-${randomBytes(6).toString('hex')}`,
    );
    let fh: FileHandle | undefined;
    try {
      fh = await open(temp, 'wx', 0o644);
      await fh.writeFile(body);
      await fh.sync();
      const st = await fh.stat();
      await fh.close();
      fh = undefined;
      await rename(temp, file);
      return { key: '', size: st.size, etag: md5Etag(body), lastModified: st.mtime };
    } catch (err) {
      await fh?.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw err;
    }
  }

  return {
    location,

    async put(key, body, _contentType) {
      const action = `put ${key} into ${location}`;
      const file = keyToPath(action, 'write', key);
      try {
        const { size, etag, lastModified } = await writeAtomically(file, Buffer.from(body));
        return { key, size, etag, lastModified };
      } catch (err) {
        throw fileError(action, 'write', err);
      }
    },

    async get(key, options = {}) {
      return withReadHandle(`get ${key} from ${location}`, key, async (fh) => {
        const st = await fh.stat();
        if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
        // one read through one handle: body, size and ETag describe the same version of the file
        const body = await fh.readFile();
        const etag = md5Etag(body);
        if (options.ifNoneMatch !== undefined && isSameEtag(options.ifNoneMatch, etag)) return undefined;
        return {
          key,
          size: body.length,
          etag,
          lastModified: st.mtime,
          body,
          contentType: contentTypeForKey(key),
        };
      });
    },

    async getStream(key): Promise<StreamedObject> {
      const action = `get ${key} from ${location}`;
      const fh = await openKey(action, key);
      try {
        const info = await readInfo(fh, key);
        // the stream closes the handle when it ends or is destroyed
        const stream = fh.createReadStream({ start: 0, autoClose: true });
        return { stream, info, contentType: contentTypeForKey(key) };
      } catch (err) {
        await fh.close().catch(() => undefined);
        if (isMissingFileError(err)) throw notFoundError(location, key, err);
        throw fileError(action, 'read', err);
      }
    },

    head,

    async list(prefix) {
      const action = `list ${prefix || '(all)'} in ${location}`;
      checkPrefix(action, prefix);
      // walk only the deepest directory the prefix names, then filter by the full prefix as S3 does
      const dirPart = prefix.slice(0, prefix.lastIndexOf('/') + 1);
      const keys: string[] = [];
      try {
        await listFiles(dirPart ? keyToPath(action, 'read', dirPart.slice(0, -1)) : root, dirPart, keys);
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw fileError(action, 'read', err);
      }
      const wanted = keys.filter((k) => k.startsWith(prefix)).sort();
      const limit = pLimit(LIST_CONCURRENCY);
      const infos = await Promise.all(
        wanted.map((k) =>
          limit(async () => {
            try {
              return await head(k);
            } catch (err) {
              // deleted while we listed: S3 would not have listed it either
              if (err instanceof AppError && err.code === 'STORE_NOT_FOUND') return undefined;
              throw err;
            }
          }),
        ),
      );
      return infos.filter((i): i is ObjectInfo => i !== undefined);
    },

    async delete(key) {
      const action = `delete ${key} from ${location}`;
      const file = keyToPath(action, 'write', key);
      try {
        await unlink(file);
      } catch (err) {
        if (isMissingFileError(err)) return;
        throw fileError(action, 'write', err);
      }
    },

    async check({ write }) {
      const action = write ? `check ${location} is writable` : `check ${location} is readable`;
      try {
        if (write) await makeDirectory(root);
        const st = await stat(root);
        if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
        await readdir(root);
        if (write) {
          const probe = path.join(root, `.check.tmp-${randomBytes(6).toString('hex')}`);
          await writeAtomically(probe, Buffer.from('probe\n'));
          await rm(probe, { force: true });
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new AppError('STORE_UNAVAILABLE', `${action}: directory does not exist`, { cause: err });
        }
        throw fileError(action, write ? 'write' : 'read', err);
      }
    },

    async close() {},
  };
}

/**
 * `mkdir -p`. On a read-only file system Node's recursive mkdir reports ENOENT; creating the first missing
 * directory alone then reports the real cause (EROFS, EACCES), which is not worth retrying.
 */
async function makeDirectory(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    let missing = dir;
    for (let parent = path.dirname(missing); parent !== missing; parent = path.dirname(parent)) {
      const exists = await stat(parent).then(
        () => true,
        () => false,
      );
      if (exists) break;
      missing = parent;
    }
    await mkdir(missing);
    throw err;
  }
}
