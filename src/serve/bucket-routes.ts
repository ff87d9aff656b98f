/**
 * Read-only access for auditors to the bucket tree: `/latest/…`, `/snapshots/…`, `/status.json`, and JSON listings
 * of `/latest/`, `/snapshots/` and `/snapshots/<runId>/`. A request path becomes a key only after it matched the
 * bucket layout exactly (DESIGN §4), so traversal, encoded slashes and NUL bytes never reach the store or the disk.
 * Every object is streamed through the store, from one handle opened once: a file pruned or replaced while it is
 * read is sent whole or answered 404, and a file store never follows a symbolic link out of its directory.
 */
import type { Dirent } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KEYS, LISTABLE_PREFIX_RE, READABLE_KEY_RE, RUN_ID_RE } from '../bucket/keys.js';
import { INFO_TYPE, JSON_TYPE } from '../bucket/objects.js';
import { isNotFound, isValidKey, type ObjectInfo, type StoreReader } from '../store/store.js';
import { HttpError } from './errors.js';
import { isNotModified } from './http-cache.js';
import { type RangeAnswer, rangeOf, sliceStream } from './http-range.js';

export interface BucketDeps {
  store: StoreReader;
  /** The store's directory when it is a `file:` store: `/snapshots/` is then listed from the folder names alone. */
  bucketDir?: string;
}

export type BucketPath = { kind: 'object'; key: string } | { kind: 'listing'; prefix: string };

/**
 * The key a raw request path names, or an HttpError: 400 `bad_path` for anything that tries to leave the tree
 * or hide a separator, 404 for a well-formed path that the bucket layout has no place for.
 */
export function bucketPathOf(rawUrl: string): BucketPath {
  const rawPath = rawUrl.split('?', 1)[0] ?? '';
  if (/%2f|%5c|%00|\\|\0/i.test(rawPath))
    throw new HttpError('bad_path', 'encoded separators and NUL bytes are not allowed');
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    throw new HttpError('bad_path', 'the path is not valid percent-encoding');
  }
  const key = decoded.replace(/^\/+/, '');
  if (/[\0\\]/.test(key) || key.split('/').some((s) => s === '.' || s === '..')) {
    throw new HttpError('bad_path', 'the path must not contain "." or ".." segments');
  }
  if (decoded === '/latest' || decoded === '/snapshots') return { kind: 'listing', prefix: `${key}/` };
  if (LISTABLE_PREFIX_RE.test(key)) return { kind: 'listing', prefix: key };
  if (READABLE_KEY_RE.test(key) && isValidKey(key)) return { kind: 'object', key };
  throw new HttpError('not_found', 'no such object');
}

function storeFailure(err: unknown): HttpError {
  if (isNotFound(err)) return new HttpError('not_found', 'no such object');
  return new HttpError('store_unavailable', 'the store could not be read', {}, { 'retry-after': '5' });
}

/**
 * The run folders of a `file:` store that hold a file, read from the directory entries alone: listing them
 * through the store would hash every document of the history. Links are not followed.
 */
async function listRunFolders(bucketDir: string): Promise<string[]> {
  const dir = path.join(bucketDir, KEYS.snapshotsPrefix);
  const entries = (await lstat(dir).catch(() => undefined))?.isDirectory()
    ? await readdir(dir, { withFileTypes: true })
    : [];
  const runs = entries.filter((e) => e.isDirectory() && RUN_ID_RE.test(e.name)).map((e) => e.name);
  const holdsFile = (files: Dirent[]) => files.some((f) => f.isFile() && !f.name.startsWith('.'));
  const kept = await Promise.all(
    runs.map(async (run) =>
      holdsFile(await readdir(path.join(dir, run), { withFileTypes: true }).catch(() => [])),
    ),
  );
  return runs.filter((_, i) => kept[i]);
}

async function sendListing(store: StoreReader, prefix: string, bucketDir: string | undefined) {
  try {
    if (prefix === KEYS.snapshotsPrefix) {
      const runs = bucketDir
        ? await listRunFolders(bucketDir)
        : (await store.list(prefix)).map((o) => o.key.split('/')[1] ?? '').filter((r) => RUN_ID_RE.test(r));
      return { prefix, runs: [...new Set(runs)].sort().reverse() };
    }
    const objects = await store.list(prefix);
    return {
      prefix,
      objects: objects.map((o) => ({
        key: o.key,
        size: o.size,
        etag: o.etag,
        lastModified: o.lastModified.toISOString(),
      })),
    };
  } catch (err) {
    throw storeFailure(err);
  }
}

/** The object as stored, with its validators and 304; one byte range of it on `Range` (206, or 416 past its end). */
async function sendObject(store: StoreReader, request: FastifyRequest, reply: FastifyReply, key: string) {
  try {
    // HEAD answers an empty stream: fastify's HEAD route sets Content-Length 0 for no payload at all
    const obj =
      request.method === 'HEAD'
        ? { info: await store.head(key), stream: Readable.from([]) }
        : await store.getStream(key);
    const { info } = obj;
    const notModified = isNotModified(request, [info.etag], info.lastModified.getTime());
    const range: RangeAnswer = notModified
      ? { kind: 'whole' }
      : rangeOf(request.headers, info.size, info.etag, info.lastModified);
    if (range.kind === 'unsatisfiable') {
      obj.stream.destroy();
      throw new HttpError(
        'range_not_satisfiable',
        `the range is past the end of the object (${info.size} bytes)`,
        {},
        { 'content-range': `bytes */${info.size}` },
      );
    }
    setObjectHeaders(reply, key, info);
    if (notModified) {
      obj.stream.destroy();
      reply.removeHeader('content-length');
      return reply.code(304).send();
    }
    if (range.kind === 'part') {
      reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${info.size}`)
        .header('content-length', String(range.end - range.start + 1));
      return reply.send(sliceStream(obj.stream, range.start, range.end));
    }
    return reply.send(obj.stream);
  } catch (err) {
    throw err instanceof HttpError ? err : storeFailure(err);
  }
}

/** The layout says what an object is (a file store knows no content types, and `.prom` is no known extension). */
function contentTypeOf(key: string): string {
  return key.endsWith('.info.prom') ? INFO_TYPE : JSON_TYPE;
}

function setObjectHeaders(reply: FastifyReply, key: string, info: ObjectInfo): void {
  reply
    .header('etag', info.etag)
    .header('last-modified', info.lastModified.toUTCString())
    .header('content-length', String(info.size))
    .header('content-type', contentTypeOf(key))
    .header('accept-ranges', 'bytes')
    .header('cache-control', 'no-cache');
}

export async function registerBucketRoutes(app: FastifyInstance, deps: BucketDeps): Promise<void> {
  const { store, bucketDir } = deps;
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const p = bucketPathOf(request.raw.url ?? '');
    if (p.kind === 'listing') return sendListing(store, p.prefix, bucketDir);
    return sendObject(store, request, reply, p.key);
  };
  for (const url of ['/latest', '/latest/*', '/snapshots', '/snapshots/*', '/status.json'])
    app.get(url, handler);
}
