/**
 * The `s3://bucket/prefix` store: AWS S3 or an S3-compatible server (MinIO) through `endpoint`, path-style.
 * The client (`s3-client.ts`) makes one attempt per call and computes checksums only when required.
 */
import type { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { AppError } from '../errors.js';
import { isSameEtag } from './etag.js';
import { checkKey, checkPrefix } from './key-check.js';
import { createS3Client, type S3StoreOptions } from './s3-client.js';
import { conditionRefused, isS3NotFound, quotedEtag, s3Error, s3Status } from './s3-errors.js';
import { probeKey, s3ListedInfos, s3ObjectInfo } from './s3-objects.js';
import { createScrub, type Scrub, scrubS3Error } from './s3-scrub.js';
import type { ObjectInfo, Store, StoredObject, StreamedObject } from './store.js';
import { byKey, changedError, existsError, NOT_MODIFIED, notFoundError } from './store.js';

/** A GetObject answer with a body, before the body is read. */
interface GotObject {
  body: NonNullable<GetObjectCommandOutput['Body']>;
  info: ObjectInfo;
  contentType: string;
}

export function createS3Store(options: S3StoreOptions): Store {
  return new S3Store(options);
}

class S3Store implements Store {
  readonly location: string;
  readonly #bucket: string;
  readonly #root: string;
  readonly #client: S3Client;
  readonly #ownsClient: boolean;
  readonly #scrub: Scrub;
  readonly #fail = (action: string, err: unknown): AppError =>
    s3Error(action, this.#bucket, err, this.#scrub);

  constructor(options: S3StoreOptions) {
    this.#scrub = createScrub([options.credentials?.secretAccessKey, options.credentials?.sessionToken]);
    this.#bucket = options.bucket;
    this.#root = options.prefix.replace(/^\/+|\/+$/g, '');
    this.location = this.#root ? `s3://${this.#bucket}/${this.#root}` : `s3://${this.#bucket}`;
    this.#client = options.client ?? createS3Client(options);
    this.#ownsClient = options.client === undefined;
  }

  put(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo> {
    return this.#putObject(`put ${key} to ${this.location}`, key, body, contentType, {});
  }

  /** `If-None-Match: *` (AWS S3 since 2024-08; a server that ignores it overwrites, see docs/store.md). */
  create(key: string, body: Buffer | string, contentType: string): Promise<ObjectInfo> {
    const action = `create ${key} in ${this.location}`;
    return this.#putObject(action, key, body, contentType, { IfNoneMatch: '*' });
  }

  /** `If-Match: <etag>` (AWS S3 since 2024-11). */
  replace(key: string, body: Buffer | string, contentType: string, etag: string): Promise<ObjectInfo> {
    const action = `replace ${key} in ${this.location}`;
    return this.#putObject(action, key, body, contentType, { IfMatch: quotedEtag(etag) });
  }

  async get(key: string): Promise<StoredObject> {
    const action = `get ${key} from ${this.location}`;
    return this.#readBody(action, await this.#getUnconditional(action, key));
  }

  async getIfChanged(key: string, etag: string | undefined): Promise<StoredObject | typeof NOT_MODIFIED> {
    const action = `get ${key} from ${this.location}`;
    const got = await this.#getObject(action, key, etag);
    if (got === NOT_MODIFIED) return NOT_MODIFIED;
    // servers that ignore If-None-Match still answer the same ETag: do not hand back an unchanged body
    if (etag && isSameEtag(etag, got.info.etag)) {
      (got.body as Readable).destroy?.();
      return NOT_MODIFIED;
    }
    return this.#readBody(action, got);
  }

  async getStream(key: string): Promise<StreamedObject> {
    const action = `get ${key} from ${this.location}`;
    const got = await this.#getUnconditional(action, key);
    // in Node the SDK's body is an http.IncomingMessage
    return { stream: got.body as Readable, info: got.info, contentType: got.contentType };
  }

  async head(key: string): Promise<ObjectInfo> {
    const action = `head ${key} in ${this.location}`;
    checkKey(action, 'read', key);
    try {
      const r = await this.#client.send(
        new HeadObjectCommand({ Bucket: this.#bucket, Key: this.#toS3Key(key) }),
      );
      return s3ObjectInfo(key, r);
    } catch (err) {
      if (isS3NotFound(err)) throw notFoundError(this.location, key, scrubS3Error(err, this.#scrub));
      throw this.#fail(action, err);
    }
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const action = `list ${prefix || '(all)'} in ${this.location}`;
    checkPrefix(action, prefix);
    const out: ObjectInfo[] = [];
    let token: string | undefined;
    try {
      do {
        const r = await this.#client.send(
          new ListObjectsV2Command({
            Bucket: this.#bucket,
            Prefix: this.#toS3Key(prefix),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        out.push(...s3ListedInfos(r.Contents ?? [], this.#root));
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      throw this.#fail(action, err);
    }
    return out.sort(byKey);
  }

  async delete(key: string): Promise<void> {
    const action = `delete ${key} from ${this.location}`;
    checkKey(action, 'write', key);
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#toS3Key(key) }));
    } catch (err) {
      if (isS3NotFound(err)) return;
      throw this.#fail(action, err);
    }
  }

  check(): Promise<void> {
    return this.#headBucket(`check ${this.location} is readable`);
  }

  async checkWritable(): Promise<void> {
    const action = `check ${this.location} is writable`;
    await this.#headBucket(action);
    const probe = probeKey();
    await this.#putObject(action, probe, 'probe\n', 'text/plain', {});
    try {
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: this.#toS3Key(probe) }));
    } catch (err) {
      throw this.#fail(action, err);
    }
  }

  async close(): Promise<void> {
    if (this.#ownsClient) this.#client.destroy();
  }

  async #putObject(
    action: string,
    key: string,
    body: Buffer | string,
    contentType: string,
    condition: { IfNoneMatch?: string; IfMatch?: string },
  ): Promise<ObjectInfo> {
    checkKey(action, 'write', key);
    const bytes = Buffer.from(body);
    try {
      const r = await this.#client.send(
        new PutObjectCommand({
          Bucket: this.#bucket,
          Key: this.#toS3Key(key),
          Body: bytes,
          ContentType: contentType,
          ContentLength: bytes.length,
          ...condition,
        }),
      );
      // PutObject does not return Last-Modified; the local clock is close enough for callers of put
      return { key, size: bytes.length, etag: r.ETag ?? '', lastModified: new Date() };
    } catch (err) {
      const refused = conditionRefused(err, condition);
      if (refused === 'exists') throw existsError(this.location, key, scrubS3Error(err, this.#scrub));
      if (refused === 'changed') throw changedError(this.location, key, scrubS3Error(err, this.#scrub));
      throw this.#fail(action, err);
    }
  }

  #toS3Key(key: string): string {
    return this.#root ? `${this.#root}/${key}` : key;
  }

  async #getObject(action: string, key: string, ifNoneMatch: string | undefined) {
    checkKey(action, 'read', key);
    try {
      const r = await this.#client.send(
        new GetObjectCommand({
          Bucket: this.#bucket,
          Key: this.#toS3Key(key),
          ...(ifNoneMatch ? { IfNoneMatch: ifNoneMatch } : {}),
        }),
      );
      if (!r.Body) throw new AppError('STORE_UNAVAILABLE', `${action}: server answered without a body`);
      const info = s3ObjectInfo(key, r);
      const got: GotObject = { body: r.Body, info, contentType: r.ContentType ?? 'application/octet-stream' };
      return got;
    } catch (err) {
      // the SDK throws on 304 Not Modified (name 'Unknown'): it is the answer we asked for
      if (s3Status(err) === 304) return NOT_MODIFIED;
      if (isS3NotFound(err)) throw notFoundError(this.location, key, scrubS3Error(err, this.#scrub));
      throw this.#fail(action, err);
    }
  }

  async #getUnconditional(action: string, key: string): Promise<GotObject> {
    const got = await this.#getObject(action, key, undefined);
    if (got === NOT_MODIFIED) throw new AppError('STORE_UNAVAILABLE', `${action}: unexpected 304`);
    return got;
  }

  async #readBody(action: string, got: GotObject): Promise<StoredObject> {
    try {
      const body = Buffer.from(await got.body.transformToByteArray());
      return { ...got.info, size: body.length, body, contentType: got.contentType };
    } catch (err) {
      throw this.#fail(action, err);
    }
  }

  /** HeadBucket answers without a body, so a missing bucket is a bare 404. */
  async #headBucket(action: string): Promise<void> {
    try {
      await this.#client.send(new HeadBucketCommand({ Bucket: this.#bucket }));
    } catch (err) {
      if (s3Status(err) === 404 || isS3NotFound(err)) {
        throw new AppError('STORE_UNAVAILABLE', `${action}: bucket "${this.#bucket}" does not exist`, {
          cause: err,
        });
      }
      throw this.#fail(action, err);
    }
  }
}
