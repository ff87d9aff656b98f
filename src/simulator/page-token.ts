/**
 * Page tokens: opaque to clients (base64url), carrying the offset of the next page, the page size of the first
 * request (Confluent: "page_size only matters on the first request") and when the token was issued, so old
 * tokens can expire like real cursors do.
 */

export interface PageToken {
  offset: number;
  pageSize: number;
  issuedAt: number;
}

const VERSION = 'p1';

export function encodePageToken(token: PageToken): string {
  const text = `${VERSION}:${token.offset}:${token.pageSize}:${token.issuedAt}`;
  return Buffer.from(text, 'utf8').toString('base64url');
}

/** The token, or undefined when it is not one of ours. */
export function decodePageToken(text: string): PageToken | undefined {
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(text)) return undefined;
  const parts = Buffer.from(text, 'base64url').toString('utf8').split(':');
  if (parts.length !== 4 || parts[0] !== VERSION) return undefined;
  const [offset, pageSize, issuedAt] = parts.slice(1).map(Number);
  if (!isCount(offset) || !isCount(pageSize) || pageSize < 1 || !isCount(issuedAt)) return undefined;
  return { offset, pageSize, issuedAt };
}

function isCount(n: number | undefined): n is number {
  return n !== undefined && Number.isSafeInteger(n) && n >= 0;
}

export function isPageTokenExpired(token: PageToken, now: number, ttlMs: number): boolean {
  return now - token.issuedAt > ttlMs;
}
