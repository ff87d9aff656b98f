/**
 * s3rver in-process on 127.0.0.1 (port 0) for integration tests, with a small Koa shim in front that can answer
 * object PUTs with 503 or 403 on demand ("an upload that fails halfway"). s3rver accepts any secret for the
 * access key `S3RVER`; the test process runs with --openssl-legacy-provider (s3rver's list tokens use DES).
 *
 * s3rver 3.7.1 ignores `If-None-Match` and `If-Match` on PUT (it overwrites). The shim enforces them as AWS S3
 * does (412 PreconditionFailed), one conditional PUT per key at a time, and records the headers it saw, so tests
 * show both that the store sends them and what it does with the answer; `setEnforceConditions(false)` shows
 * s3rver's own behaviour.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { createS3Store } from '../../src/store/s3-store.js';
import type { Store } from '../../src/store/store.js';

export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/** 503: unavailable; 403: refused (a read-only bucket policy); 507: storage full (MinIO's XMinioStorageFull). */
export type RefusalStatus = 503 | 403 | 507;

export interface S3rverHelper {
  endpoint: string;
  bucket: string;
  server: S3rver;
  /** Answer every object PUT with `status` (503 by default) while on. */
  setRefusePuts(on: boolean, status?: RefusalStatus): void;
  /** Let the next `n` object PUTs through, then refuse the following ones with `status`. */
  refusePutsAfter(n: number, status?: RefusalStatus): void;
  /** Refuse the next `n` object PUTs with `status`, then let them through again (a retry that succeeds). */
  refuseNextPuts(n: number, status?: RefusalStatus): void;
  /** Object PUTs received so far, refused ones included (attempt counts). */
  putCount(): number;
  /**
   * Hold the answer to every stored object PUT this long (0 = off), so a test can act while a PUT is in flight:
   * the object is stored (the request reached the server whole) but the client has no answer yet.
   */
  setPutDelay(ms: number): void;
  /** Object PUTs stored so far (counted before their held answer goes out). */
  storedPuts(): number;
  /** Enforce `If-None-Match: *` and `If-Match` on object PUTs as AWS S3 does (default on). */
  setEnforceConditions(on: boolean): void;
  /** The conditional object PUTs received so far, in order: key (under the bucket) and the header sent. */
  conditionalPuts(): { key: string; ifNoneMatch?: string; ifMatch?: string; answered: number }[];
  close(): Promise<void>;
}

interface KoaContext {
  method: string;
  path: string;
  status: number;
  type: string;
  body: unknown;
  get(header: string): string;
}

interface S3rverStore {
  getMetadata(bucket: string, key: string): Promise<{ etag: string }>;
}
type KoaMiddleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

const REFUSALS: Record<RefusalStatus, string> = {
  503: '<Error><Code>ServiceUnavailable</Code><Message>Service is unable to handle request.</Message></Error>',
  403: '<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>',
  507: '<Error><Code>XMinioStorageFull</Code><Message>Storage backend has reached its minimum free drive threshold.</Message></Error>',
};
const PRECONDITION_FAILED =
  '<Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message></Error>';

export async function startS3rver(options: { bucket?: string } = {}): Promise<S3rverHelper> {
  const bucket = options.bucket ?? 'test-bucket';
  const directory = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-s3rver-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    directory,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  let refuseStatus: RefusalStatus | undefined;
  let allowedPuts = Number.POSITIVE_INFINITY;
  let afterStatus: RefusalStatus = 503;
  let refuseNext = 0;
  let nextStatus: RefusalStatus = 503;
  let puts = 0;
  let putDelayMs = 0;
  let stored = 0;
  const shim: KoaMiddleware = async (ctx, next) => {
    // path-style: /bucket/key…; a PUT on /bucket alone creates a bucket and is never refused
    const isObjectPut = ctx.method === 'PUT' && ctx.path.split('/').filter(Boolean).length > 1;
    if (isObjectPut) {
      puts++;
      let status = refuseStatus ?? (puts > allowedPuts ? afterStatus : undefined);
      if (status === undefined && refuseNext > 0) {
        refuseNext--;
        status = nextStatus;
      }
      if (status !== undefined) {
        ctx.status = status;
        ctx.type = 'application/xml';
        ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n${REFUSALS[status]}`;
        return;
      }
    }
    if (isObjectPut && (ctx.get('if-none-match') || ctx.get('if-match'))) {
      await conditionalPut(ctx, next);
      return;
    }
    await next();
    await afterStored(ctx, isObjectPut);
  };
  const afterStored = async (ctx: KoaContext, isObjectPut: boolean) => {
    if (isObjectPut && ctx.status < 300) {
      stored++;
      // after s3rver stored the whole body: holding before would let a killed client's cut-off body be stored
      // in part, which S3 never does
      if (putDelayMs > 0) await new Promise((r) => setTimeout(r, putDelayMs));
    }
  };
  let enforce = true;
  const conditional: { key: string; ifNoneMatch?: string; ifMatch?: string; answered: number }[] = [];
  const keyChains = new Map<string, Promise<unknown>>();
  const store = (server as unknown as { store: S3rverStore }).store;
  /** Check and store in one step per key, as S3 does: the next conditional PUT of the key waits for this one. */
  const conditionalPut = async (ctx: KoaContext, next: () => Promise<void>) => {
    const key = ctx.path.split('/').slice(2).join('/');
    const record: (typeof conditional)[number] = { key, answered: 0 };
    if (ctx.get('if-none-match')) record.ifNoneMatch = ctx.get('if-none-match');
    if (ctx.get('if-match')) record.ifMatch = ctx.get('if-match');
    conditional.push(record);
    const before = keyChains.get(key) ?? Promise.resolve();
    let release = () => {};
    const mine = new Promise<void>((r) => {
      release = r;
    });
    keyChains.set(
      key,
      before.then(() => mine),
    );
    await before;
    try {
      const etag = await store.getMetadata(bucket, key).then(
        (m) => m.etag,
        () => undefined,
      );
      const holds = record.ifNoneMatch ? etag === undefined : etag !== undefined && etag === record.ifMatch;
      if (enforce && !holds) {
        ctx.status = etag === undefined && record.ifMatch ? 404 : 412;
        ctx.type = 'application/xml';
        ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n${ctx.status === 404 ? '<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>' : PRECONDITION_FAILED}`;
      } else await next();
    } finally {
      record.answered = ctx.status;
      release();
    }
    await afterStored(ctx, true);
  };
  // Koa composes its middleware at listen(), so the shim must be in place before run()
  (server as unknown as { middleware: KoaMiddleware[] }).middleware.unshift(shim);
  const { port } = (await server.run()) as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    server,
    setRefusePuts(on, status = 503) {
      refuseStatus = on ? status : undefined;
      if (!on) allowedPuts = Number.POSITIVE_INFINITY;
    },
    refusePutsAfter(n, status = 503) {
      afterStatus = status;
      allowedPuts = puts + n;
      refuseStatus = undefined;
    },
    refuseNextPuts(n, status = 503) {
      refuseNext = n;
      nextStatus = status;
    },
    putCount: () => puts,
    setEnforceConditions(on) {
      enforce = on;
    },
    conditionalPuts: () => conditional.map((c) => ({ ...c })),
    storedPuts: () => stored,
    setPutDelay(ms) {
      putDelayMs = ms;
    },
    async close() {
      // keep-alive sockets of clients not yet destroyed would hold close() open
      (server as unknown as { httpServer?: Server }).httpServer?.closeAllConnections();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** An S3 store on the helper's bucket under `prefix`, with a client of its own. */
export function createTestS3Store(helper: S3rverHelper, prefix: string): Store {
  return createS3Store({
    bucket: helper.bucket,
    prefix,
    region: 'us-east-1',
    endpoint: helper.endpoint,
    credentials: S3RVER_CREDENTIALS,
  });
}
