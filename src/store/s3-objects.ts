/** How S3 answers become `ObjectInfo`: absent fields read as empty, and listings hold only keys we can read back. */
import { randomBytes } from 'node:crypto';
import type { _Object as S3Object } from '@aws-sdk/client-s3';
import { isValidKey, type ObjectInfo } from './store.js';

/** The metadata HeadObject and GetObject both answer. */
export interface S3Metadata {
  ContentLength?: number | undefined;
  ETag?: string | undefined;
  LastModified?: Date | undefined;
}

export function s3ObjectInfo(key: string, r: S3Metadata): ObjectInfo {
  return { key, size: r.ContentLength ?? 0, etag: r.ETag ?? '', lastModified: r.LastModified ?? new Date(0) };
}

/** Objects under `root` as store keys, leaving out probes and keys written by other tools that we could not read. */
export function s3ListedInfos(contents: readonly S3Object[], root: string): ObjectInfo[] {
  const strip = root ? root.length + 1 : 0;
  const out: ObjectInfo[] = [];
  for (const o of contents) {
    const key = (o.Key ?? '').slice(strip);
    if (!isValidKey(key) || isProbeKey(key)) continue;
    out.push({ key, size: o.Size ?? 0, etag: o.ETag ?? '', lastModified: o.LastModified ?? new Date(0) });
  }
  return out;
}

/** The key of a `checkWritable` probe, named like the file store's temp files. */
export function probeKey(): string {
  return `.check.tmp-${randomBytes(6).toString('hex')}`;
}

function isProbeKey(key: string): boolean {
  return /(?:^|\/)\.check\.tmp-[0-9a-f]{12}$/.test(key);
}
