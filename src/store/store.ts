/**
 * One small storage interface with two implementations (`file:` directory and `s3://`), run through one
 * contract test suite. Keys are `/`-separated relative paths such as `latest/manifest.json`; the store maps
 * them under its root (a directory or a bucket prefix).
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

export interface GetOptions {
  /** When the object's ETag equals this, `get` answers `undefined` instead of the body (a conditional read). */
  ifNoneMatch?: string;
}

export interface Store {
  /** Where the store points, safe to log (no credentials): `file:/abs/dir` or `s3://bucket/prefix`. */
  readonly location: string;
  /** Writes the whole object or nothing: a reader never sees half of it. */
  put(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo>;
  /** Throws `STORE_NOT_FOUND` when missing; `undefined` when `ifNoneMatch` matched (not modified). */
  get(key: string, options?: GetOptions): Promise<StoredObject | undefined>;
  /** Streams a large object's body; throws `STORE_NOT_FOUND` when missing. The caller consumes or destroys `stream`. */
  getStream(key: string): Promise<StreamedObject>;
  /** Throws `STORE_NOT_FOUND` when missing. */
  head(key: string): Promise<ObjectInfo>;
  /** Every object whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  /** Checks that the store is reachable (and writable when `write` is set), before any other work starts. */
  check(options: { write: boolean }): Promise<void>;
  /** Releases sockets and handles. */
  close(): Promise<void>;
}

export function isNotFound(err: unknown): boolean {
  return isAppError(err, 'STORE_NOT_FOUND');
}

export function notFoundError(location: string, key: string, cause?: unknown): AppError {
  return new AppError('STORE_NOT_FOUND', `get ${key} from ${location}: object not found`, { cause });
}

/** Keys we read and write: relative, `/`-separated, no empty, `.` or `..` segments, printable ASCII. */
export const KEY_RE = /^(?!\/)(?!.*\/\/)(?!.*(?:^|\/)\.{1,2}(?:\/|$))[A-Za-z0-9_.\-/]{1,512}$/;

export function isValidKey(key: string): boolean {
  return KEY_RE.test(key) && !key.endsWith('/');
}

/** ETags compare without quotes or the weak `W/` marker, as HTTP caches do for If-None-Match. */
export function isSameEtag(a: string, b: string): boolean {
  const bare = (e: string) => e.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
  return bare(a) === bare(b);
}
