/**
 * One small storage interface with three implementations (`file:` directory, `s3://` and in memory), run through
 * one contract test suite. Keys are `/`-separated relative paths such as `latest/manifest.json`; the store maps
 * them under its root (a directory, a bucket prefix or a map). Readers (the server, the auditors' tools) get a
 * `StoreReader`; only the publisher and prune get the writer, `Store`.
 */
import type { Readable } from 'node:stream';
import { AppError, isAppError } from '../errors.js';

export interface ObjectInfo {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
}

export interface StoredObject extends ObjectInfo {
  body: Buffer;
  contentType: string;
}

export interface StreamedObject {
  stream: Readable;
  info: ObjectInfo;
  contentType: string;
}

/** What a conditional read answers when the object still has the ETag the caller holds. */
export const NOT_MODIFIED = 'not-modified';

export interface StoreReader {
  /** Where the store points, safe to log (no credentials): `file:/abs/dir` or `s3://bucket/prefix`. */
  readonly location: string;
  /** The whole object; throws `STORE_NOT_FOUND` when missing. */
  get(key: string): Promise<StoredObject>;
  /**
   * A conditional read: `'not-modified'` when the object's ETag equals `etag` (compared bare, see `isSameEtag`),
   * otherwise the whole object (always when `etag` is undefined). Throws `STORE_NOT_FOUND` when missing.
   */
  getIfChanged(key: string, etag: string | undefined): Promise<StoredObject | typeof NOT_MODIFIED>;
  /** Streams a large object's body; throws `STORE_NOT_FOUND` when missing. The caller consumes or destroys `stream`. */
  getStream(key: string): Promise<StreamedObject>;
  /** Throws `STORE_NOT_FOUND` when missing. */
  head(key: string): Promise<ObjectInfo>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Checks that the store is reachable and readable, before any other work starts. */
  check(): Promise<void>;
  /** Releases sockets and handles. */
  close(): Promise<void>;
}

export interface Store extends StoreReader {
  /** Writes the whole object or nothing: a reader never sees half of it. */
  put(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo>;
  /**
   * Writes the object only when no object has the key (S3 `If-None-Match: *`, a hard link on disk): throws
   * `STORE_CONFLICT` when one exists, whose bytes stay as they were. Of two creates at once, exactly one wins.
   */
  create(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo>;
  /**
   * Replaces the object only while its ETag is still `etag` (compared bare; S3 `If-Match`): throws
   * `STORE_CONFLICT` when it changed or is gone. Of two replaces from one ETag at once, exactly one wins.
   */
  replace(key: string, body: Buffer | string, contentType: string, etag: string): Promise<ObjectInfo>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Checks that the store is reachable and writable (leaving nothing behind), before any other work starts. */
  checkWritable(): Promise<void>;
}

export function isNotFound(err: unknown): boolean {
  return isAppError(err, 'STORE_NOT_FOUND');
}

/** The object's bytes, or undefined when there is no such object; any other failure throws. */
export async function getBodyIfExists(store: StoreReader, key: string): Promise<Buffer | undefined> {
  try {
    return (await store.get(key)).body;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

export function notFoundError(location: string, key: string, cause?: unknown): AppError {
  return new AppError('STORE_NOT_FOUND', `get ${key} from ${location}: object not found`, { cause });
}

export function existsError(location: string, key: string, cause?: unknown): AppError {
  return new AppError('STORE_CONFLICT', `create ${key} in ${location}: object already exists`, { cause });
}

export function changedError(location: string, key: string, cause?: unknown): AppError {
  return new AppError(
    'STORE_CONFLICT',
    `replace ${key} in ${location}: object changed since it was read (or is gone)`,
    { cause },
  );
}

/** Keys we read and write: relative, `/`-separated, no empty, `.` or `..` segments, printable ASCII. */
export const KEY_RE = /^(?!\/)(?!.*\/\/)(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9_.\-/]{1,512}$/;

export function isValidKey(key: string): boolean {
  return KEY_RE.test(key) && !key.endsWith('/');
}

/** Sorts object infos by key in code-unit order, as S3 lists them. */
export function byKey(a: ObjectInfo, b: ObjectInfo): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}
