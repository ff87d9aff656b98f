/**
 * Read-only access for auditors to the bucket tree: `/latest/…`, `/snapshots/…`, `/status.json`, and JSON listings
 * of `/latest/`, `/snapshots/` and `/snapshots/<runId>/`. A request path becomes a key only after it matched the
 * bucket layout exactly (DESIGN §4), so traversal, encoded slashes and NUL bytes never reach the store or the disk.
 * Immutable snapshot files of a `file:` store are served with @fastify/static; everything else (S3, and the
 * mutable `latest/` and `status.json`) is streamed through the store.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LISTABLE_PREFIX_RE, READABLE_KEY_RE, RUN_ID_RE } from '../bucket/keys.js';
import { INFO_TYPE, JSON_TYPE } from '../bucket/objects.js';
import { isNotFound, isValidKey, type ObjectInfo, type StoreReader } from '../store/store.js';
import { HttpError } from './errors.js';
import { isNotModified } from './http-cache.js';

export interface BucketDeps {
  store: StoreReader;
  /** The store's directory when it is a `file:` store. */
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

async function sendListing(store: StoreReader, prefix: string) {
  try {
    const objects = await store.list(prefix);
    if (prefix === 'snapshots/') {
      const runs = [...new Set(objects.map((o) => o.key.split('/')[1] ?? ''))].filter((r) =>
        RUN_ID_RE.test(r),
      );
      return { prefix, runs: runs.sort().reverse() };
    }
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

async function sendStreamed(store: StoreReader, request: FastifyRequest, reply: FastifyReply, key: string) {
  try {
    if (request.method === 'HEAD') {
      const info = await store.head(key);
      setObjectHeaders(reply, key, info);
      return reply.code(isNotModified(request, [info.etag], info.lastModified.getTime()) ? 304 : 200).send();
    }
    const obj = await store.getStream(key);
    setObjectHeaders(reply, key, obj.info);
    if (isNotModified(request, [obj.info.etag], obj.info.lastModified.getTime())) {
      obj.stream.destroy();
      reply.removeHeader('content-length');
      return reply.code(304).send();
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
    .header('cache-control', 'no-cache');
}

export async function registerBucketRoutes(app: FastifyInstance, deps: BucketDeps): Promise<void> {
  const { store, bucketDir } = deps;
  if (bucketDir) {
    // serve: false — no route of its own; files are only ever sent by name after bucketPathOf accepted the path
    await app.register(fastifyStatic, {
      root: bucketDir,
      serve: false,
      dotfiles: 'deny',
      index: false,
      // called after its own headers: `send` knows no `.prom`
      setHeaders: (reply, filePath) => {
        if (filePath.endsWith('.info.prom')) reply.header('content-type', INFO_TYPE);
      },
    });
  }
  const handler = async (request: FastifyRequest, reply: FastifyReply) => {
    const p = bucketPathOf(request.raw.url ?? '');
    if (p.kind === 'listing') return sendListing(store, p.prefix);
    // @fastify/static stats a file and then opens it again by name: a publish renaming a new latest/ copy in
    // between would be sent cut to the old length. Snapshots are immutable, so only they go through it; the
    // mutable objects are streamed from one file handle by the store.
    if (bucketDir && p.key.startsWith('snapshots/'))
      return reply.header('cache-control', 'no-cache').sendFile(p.key);
    return sendStreamed(store, request, reply, p.key);
  };
  for (const url of ['/latest', '/latest/*', '/snapshots', '/snapshots/*', '/status.json'])
    app.get(url, handler);
}
