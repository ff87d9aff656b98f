/**
 * The `file:` store's conditional writes. A create links a complete, fsynced temp file to the key: link(2) fails
 * with EEXIST when the name exists, atomically, so of two creates exactly one wins and a reader never sees half a
 * file. A replace compares and renames under a lock file (`.<name>.lock`, opened O_EXCL) that every replace of
 * the key takes; rename(2) alone cannot compare. A lock older than STALE_LOCK_MS was left by a killed writer and is
 * broken (the compare and rename it guards take microseconds).
 */
import { link, open, readFile, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { isSameEtag, md5Etag } from './etag.js';
import { isMissingFileError } from './file-errors.js';
import { makeDirectory, writeAtomically, writeTemp } from './file-system.js';
import type { ObjectInfo } from './store.js';

const STALE_LOCK_MS = 10_000;
/** How long a replace waits for another writer's lock before it fails (retryable). */
const LOCK_WAIT_MS = 15_000;
/** link(2) answers these where the file system has no hard links (some network and FUSE mounts). */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** Creates `file` only when no file has its name; `'exists'` when one has. `key` is left empty. */
export async function createExclusively(file: string, body: Buffer): Promise<ObjectInfo | 'exists'> {
  const temp = await writeTemp(file, body);
  try {
    await link(temp.path, file);
    return temp.info;
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') return 'exists';
    if (NO_HARD_LINKS.has(errnoOf(err) ?? '')) return createByOpen(file, body);
    throw err;
  } finally {
    await unlink(temp.path).catch(() => undefined);
  }
}

/**
 * Without hard links: O_EXCL on the key itself. Still one winner, but a reader may see the file while it is
 * written; only snapshot objects are created, and readers trust them only once their manifest names them.
 */
async function createByOpen(file: string, body: Buffer): Promise<ObjectInfo | 'exists'> {
  await makeDirectory(path.dirname(file));
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(file, 'wx', 0o644);
  } catch (err) {
    if (errnoOf(err) === 'EEXIST') return 'exists';
    throw err;
  }
  try {
    await fh.writeFile(body);
    await fh.sync();
    const st = await fh.stat();
    return { key: '', size: st.size, etag: md5Etag(body), lastModified: st.mtime };
  } finally {
    await fh.close();
  }
}

/** Replaces `file` only while its md5 ETag is `etag`; `'changed'` when it differs or the file is gone. */
export async function replaceIfMatch(
  file: string,
  body: Buffer,
  etag: string,
): Promise<ObjectInfo | 'changed'> {
  const lock = path.join(path.dirname(file), `.${path.basename(file)}.lock`);
  if (!(await takeLock(lock))) return 'changed';
  try {
    const current = await readFile(file).catch((err: unknown) => {
      if (isMissingFileError(err)) return undefined;
      throw err;
    });
    if (!current || !isSameEtag(etag, md5Etag(current))) return 'changed';
    return await writeAtomically(file, body);
  } finally {
    await unlink(lock).catch(() => undefined);
  }
}

/** Takes the lock; false when its directory does not exist (then neither does the file). */
async function takeLock(lock: string): Promise<boolean> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      await (await open(lock, 'wx', 0o644)).close();
      return true;
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return false;
      if (errnoOf(err) !== 'EEXIST') throw err;
    }
    const held = await stat(lock).catch(() => undefined);
    if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) {
      await unlink(lock).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline)
      throw Object.assign(new Error(`${path.basename(lock)} is held by another writer`), { code: 'ELOCKED' });
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 20));
  }
}
