/**
 * The one ETag normaliser. Stores answer quoted ETags (`"abc"`), clients may send them weak (`W/"abc"`); for
 * If-None-Match and for conditional store reads two ETags are the same when their bare values are (the weak
 * comparison of RFC 9110 §8.8.3.2).
 */
import { createHash } from 'node:crypto';

/** The quoted md5 of the content, as S3 answers for single-part uploads (and the file and memory stores copy). */
export function md5Etag(body: Buffer): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

/** `W/"abc"` → `abc`, `"abc"` → `abc`. */
export function bareEtag(etag: string): string {
  return etag.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
}

export function isSameEtag(a: string, b: string): boolean {
  return bareEtag(a) === bareEtag(b);
}
