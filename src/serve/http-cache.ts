/** HTTP validators and content negotiation for the documents and the bucket tree (RFC 9110 §13, §12.5.3). */
import type { IncomingHttpHeaders } from 'node:http';
import { bareEtag } from '../store/etag.js';

/** True when an `If-None-Match` list holds `*` or one of `etags` (weak comparison, as caches do for GET). */
export function matchesIfNoneMatch(header: string | undefined, etags: readonly string[]): boolean {
  if (!header) return false;
  const wanted = etags.map(bareEtag);
  return header.split(',').some((tag) => tag.trim() === '*' || wanted.includes(bareEtag(tag)));
}

/** `If-Modified-Since` is only consulted without `If-None-Match` (RFC 9110 §13.1.3). */
export function isNotModified(
  request: { headers: IncomingHttpHeaders },
  etags: readonly string[],
  lastModifiedMs?: number,
): boolean {
  const inm = request.headers['if-none-match'];
  if (inm !== undefined) return matchesIfNoneMatch(inm, etags);
  const ims = request.headers['if-modified-since'];
  if (ims === undefined || lastModifiedMs === undefined) return false;
  const since = Date.parse(ims);
  return !Number.isNaN(since) && lastModifiedMs <= since;
}

/** True when `Accept-Encoding` accepts gzip with a non-zero quality (explicitly or through `*`). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  let gzip: number | undefined;
  let star: number | undefined;
  for (const part of header.toLowerCase().split(',')) {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim());
    let q = 1;
    for (const p of params) {
      const m = /^q=([0-9.]+)$/.exec(p);
      if (m) q = Number(m[1]);
    }
    if (coding === 'gzip' || coding === 'x-gzip') gzip = q;
    else if (coding === '*') star = q;
  }
  return (gzip ?? star ?? 0) > 0;
}
