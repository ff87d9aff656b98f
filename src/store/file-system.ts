/**
 * The disk operations the `file:` store is made of: a hashing read through an open handle, an atomic write
 * (temp file in the target directory, fsync, rename), `mkdir -p` that names the real cause, and a directory walk.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { constants } from 'node:fs';
import {
  type FileHandle,
  mkdir,
  open,
  readdir,
  readlink,
  realpath,
  rename,
  stat,
  unlink,
} from 'node:fs/promises';
import path from 'node:path';
import { md5Etag } from './etag.js';
import { isMissingFileError } from './file-errors.js';
import { isValidKey, type ObjectInfo } from './store.js';

/** Temp files (`.<name>.tmp-<hex>`), check probes and replace locks (`.<name>.lock`) are never listed. */
const TEMP_RE = /^\..*\.(?:tmp-[0-9a-f]{12}|lock)$/;
const CONTENT_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.txt': 'text/plain; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

export function contentTypeForKey(key: string): string {
  return CONTENT_TYPES[path.extname(key).toLowerCase()] ?? 'application/octet-stream';
}

export function tempName(base: string): string {
  return `.${base}.tmp-${randomBytes(6).toString('hex')}`;
}

/**
 * Opens a file to read without following a symbolic link out of `root`: `O_NOFOLLOW` refuses a link as the last
 * component (ELOOP), and the path the kernel actually opened (`/proc/self/fd`, or `realpath` where there is no
 * such table) must lie under `root`'s real path, which catches a linked directory on the way. `O_NONBLOCK` keeps
 * a FIFO planted in the store from hanging the open; `statRegularFile` then refuses it.
 */
export async function openInside(root: string, file: string): Promise<FileHandle> {
  const fh = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  try {
    const [realRoot, opened] = await Promise.all([
      realpath(root),
      readlink(`/proc/self/fd/${fh.fd}`).catch(() => realpath(file)),
    ]);
    if (!opened.startsWith(realRoot + path.sep))
      throw Object.assign(new Error(`${file} leads out of ${root}`), { code: 'ELOOP' });
    return fh;
  } catch (err) {
    await fh.close().catch(() => undefined);
    throw err;
  }
}

/** Fails like the OS does when a key names a directory, so callers map it to "not found" in one place. */
export async function statRegularFile(fh: FileHandle) {
  const st = await fh.stat();
  if (!st.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
  return st;
}

/** Size, md5 ETag and mtime of the version of the file the handle pins. */
export async function readInfo(fh: FileHandle, key: string): Promise<ObjectInfo> {
  const st = await statRegularFile(fh);
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

/** A whole, fsynced copy of a body in a temp file next to its target, not yet under the target's name. */
export interface TempFile {
  path: string;
  info: ObjectInfo;
}

/** Writes `body` to a fresh temp file next to `file` and fsyncs it; removes it again if that fails. */
export async function writeTemp(file: string, body: Buffer): Promise<TempFile> {
  await makeDirectory(path.dirname(file));
  const temp = path.join(path.dirname(file), tempName(path.basename(file)));
  let fh: FileHandle | undefined;
  try {
    fh = await open(temp, 'wx', 0o644);
    await fh.writeFile(body);
    await fh.sync();
    const st = await fh.stat();
    await fh.close();
    fh = undefined;
    return { path: temp, info: { key: '', size: st.size, etag: md5Etag(body), lastModified: st.mtime } };
  } catch (err) {
    await fh?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}

/** Writes `body` to a temp file next to `file`, fsyncs it and renames it over `file`. `key` is left empty. */
export async function writeAtomically(file: string, body: Buffer): Promise<ObjectInfo> {
  const temp = await writeTemp(file, body);
  try {
    await rename(temp.path, file);
    return temp.info;
  } catch (err) {
    await unlink(temp.path).catch(() => undefined);
    throw err;
  }
}

/** Appends to `out` the key of every listable file under `dirPath`; a missing directory holds none. */
export async function listFiles(dirPath: string, keyPrefix: string, out: string[]): Promise<void> {
  let entries: Dirent[];
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

/**
 * `mkdir -p`. On a read-only file system Node's recursive mkdir reports ENOENT; creating the first missing
 * directory alone then reports the real cause (EROFS, EACCES), which is not worth retrying.
 */
export async function makeDirectory(dir: string): Promise<void> {
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
