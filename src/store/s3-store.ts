/**
 * The `s3://bucket/prefix` store: AWS S3 or an S3-compatible server (MinIO) through `endpoint`, path-style.
 * The SDK makes one attempt per call (`withStoreRetry` is the one retry layer), and checksums are computed only
 * when an operation requires them: MinIO and s3rver mishandle the SDK's default aws-chunked CRC trailers.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { AppError } from '../errors.js';
import { checkKey, checkPrefix } from './key-check.js';
import { isS3NotFound, s3Error, s3Status } from './s3-errors.js';
import { isSameEtag, isValidKey, notFoundError, type ObjectInfo, type Store } from './store.js';

export interface S3StoreOptions {
  bucket: string;
  /** Root of every key, without leading or trailing `/`; empty for the bucket's root. */
  prefix: string;
  region: string;
  /** An S3-compatible server such as MinIO (`http://minio:9000`); switches to path-style addressing. */
  endpoint?: string;
  /** Only for tests; otherwise the SDK's default credential chain (env, profile, web identity, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** An existing client (not destroyed by `close`). */
  client?: S3Client;
}

/** Per-request limits, so a silent server fails an attempt instead of hanging the run. */
const CONNECT_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 60_000;

export function createS3Client(options: Omit<S3StoreOptions, 'client' | 'bucket' | 'prefix'>): S3Client {
  return new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: !!options.endpoint,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
  });
}

export function createS3Store(options: S3StoreOptions): Store {
  const { bucket } = options;
  const root = options.prefix.replace(/^\/+|\/+$/g, '');
  const location = root ? `s3://${bucket}/${root}` : `s3://${bucket}`;
  const client = options.client ?? createS3Client(options);
  const ownsClient = options.client === undefined;
  const toS3Key = (key: string) => (root ? `${root}/${key}` : key);
  const fail = (action: string, err: unknown) => s3Error(action, bucket, err);

  async function head(key: string): Promise<ObjectInfo> {
    const action = `head ${key} in ${location}`;
    checkKey(action, 'read', key);
    try {
      const r = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: toS3Key(key) }));
      return {
        key,
        size: r.ContentLength ?? 0,
        etag: r.ETag ?? '',
        lastModified: r.LastModified ?? new Date(0),
      };
    } catch (err) {
      if (isS3NotFound(err)) throw notFoundError(location, key, err);
      throw fail(action, err);
    }
  }

  async function getObject(action: string, key: string, ifNoneMatch?: string) {
    checkKey(action, 'read', key);
    try {
      const r = await client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: toS3Key(key),
          ...(ifNoneMatch ? { IfNoneMatch: ifNoneMatch } : {}),
        }),
      );
      if (!r.Body) throw new AppError('STORE_UNAVAILABLE', `${action}: server answered without a body`);
      const info = {
        key,
        size: r.ContentLength ?? 0,
        etag: r.ETag ?? '',
        lastModified: r.LastModified ?? new Date(0),
      };
      return { r, body: r.Body, info, contentType: r.ContentType ?? 'application/octet-stream' };
    } catch (err) {
      // the SDK throws on 304 Not Modified (name 'Unknown'): it is the answer we asked for
      if (s3Status(err) === 304) return undefined;
      if (isS3NotFound(err)) throw notFoundError(location, key, err);
      throw fail(action, err);
    }
  }

  async function put(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo> {
    const action = `put ${key} to ${location}`;
    checkKey(action, 'write', key);
    const bytes = Buffer.from(body);
    try {
      const r = await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: toS3Key(key),
          Body: bytes,
          ContentType: contentType,
          ContentLength: bytes.length,
        }),
      );
      // PutObject does not return Last-Modified; the local clock is close enough for callers of put
      return { key, size: bytes.length, etag: r.ETag ?? '', lastModified: new Date() };
    } catch (err) {
      throw fail(action, err);
    }
  }

  return {
    location,
    put,
    head,

    async get(key, options = {}) {
      const action = `get ${key} from ${location}`;
      const got = await getObject(action, key, options.ifNoneMatch);
      if (!got) return undefined;
      // servers that ignore If-None-Match still answer the same ETag: do not hand back an unchanged body
      if (options.ifNoneMatch !== undefined && isSameEtag(options.ifNoneMatch, got.info.etag)) {
        (got.body as Readable).destroy?.();
        return undefined;
      }
      try {
        const body = Buffer.from(await got.body.transformToByteArray());
        return { ...got.info, size: body.length, body, contentType: got.contentType };
      } catch (err) {
        throw fail(action, err);
      }
    },

    async getStream(key) {
      const got = await getObject(`get ${key} from ${location}`, key);
      if (!got) throw new AppError('STORE_UNAVAILABLE', `get ${key} from ${location}: unexpected 304`);
      // in Node the SDK's body is an http.IncomingMessage
      return { stream: got.body as Readable, info: got.info, contentType: got.contentType };
    },

    async list(prefix) {
      const action = `list ${prefix || '(all)'} in ${location}`;
      checkPrefix(action, prefix);
      const strip = root ? root.length + 1 : 0;
      const out: ObjectInfo[] = [];
      let token: string | undefined;
      try {
        do {
          const r = await client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: toS3Key(prefix),
              ...(token ? { ContinuationToken: token } : {}),
            }),
          );
          for (const o of r.Contents ?? []) {
            const key = (o.Key ?? '').slice(strip);
            // objects written by other tools with keys we could not read back are left out
            if (!isValidKey(key) || isProbeKey(key)) continue;
            out.push({
              key,
              size: o.Size ?? 0,
              etag: o.ETag ?? '',
              lastModified: o.LastModified ?? new Date(0),
            });
          }
          token = r.IsTruncated ? r.NextContinuationToken : undefined;
        } while (token);
      } catch (err) {
        throw fail(action, err);
      }
      return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    async delete(key) {
      const action = `delete ${key} from ${location}`;
      checkKey(action, 'write', key);
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: toS3Key(key) }));
      } catch (err) {
        if (isS3NotFound(err)) return;
        throw fail(action, err);
      }
    },

    async check({ write }) {
      const action = write ? `check ${location} is writable` : `check ${location} is readable`;
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }));
      } catch (err) {
        // HeadBucket answers without a body, so a missing bucket is a bare 404
        if (s3Status(err) === 404 || isS3NotFound(err)) {
          throw new AppError('STORE_UNAVAILABLE', `${action}: bucket "${bucket}" does not exist`, {
            cause: err,
          });
        }
        throw fail(action, err);
      }
      if (!write) return;
      const probe = `.check.tmp-${randomBytes(6).toString('hex')}`;
      try {
        await client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: toS3Key(probe),
            Body: 'probe\n',
            ContentType: 'text/plain',
          }),
        );
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: toS3Key(probe) }));
      } catch (err) {
        throw fail(action, err);
      }
    },

    async close() {
      if (ownsClient) client.destroy();
    },
  };
}

/** Probe objects of `check` (named like the file store's temp files) are never listed. */
function isProbeKey(key: string): boolean {
  return /(?:^|\/)\.check\.tmp-[0-9a-f]{12}$/.test(key);
}
