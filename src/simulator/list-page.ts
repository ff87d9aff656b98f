/**
 * Paged list envelopes of the management APIs (reference §2, §3): `{api_version, kind, metadata{first, next,
 * total_size}, data}`, `page_size` default 10 and max 100, `metadata.next` a full URL that keeps the filters.
 */
import { decodePageToken, encodePageToken, isPageTokenExpired } from './page-token.js';
import { errorsReply, jsonReply, type Reply, type SimRequest } from './reply.js';

export const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 100;

export function expiredTokenReply(): Reply {
  return errorsReply(400, 'invalid_page_token', 'The page token has expired, restart the listing', {
    parameter: 'page_token',
  });
}

/** Offset and size of the page asked for, or the 400 to answer. */
export function parsePageRequest(
  req: SimRequest,
  ttlMs: number,
): { offset: number; pageSize: number } | { error: Reply } {
  const token = req.query.get('page_token');
  if (token !== null && token !== '') {
    const decoded = decodePageToken(token);
    if (!decoded) {
      return {
        error: errorsReply(400, 'invalid_page_token', 'The page token is invalid', {
          parameter: 'page_token',
        }),
      };
    }
    if (isPageTokenExpired(decoded, req.now, ttlMs)) return { error: expiredTokenReply() };
    return { offset: decoded.offset, pageSize: decoded.pageSize };
  }
  const sizeText = req.query.get('page_size');
  if (sizeText === null || sizeText === '') return { offset: 0, pageSize: DEFAULT_PAGE_SIZE };
  const size = /^\d{1,6}$/.test(sizeText) ? Number(sizeText) : Number.NaN;
  if (!(size >= 1 && size <= MAX_PAGE_SIZE)) {
    return {
      error: errorsReply(400, 'invalid_filter', `page_size must be an integer from 1 to ${MAX_PAGE_SIZE}`, {
        parameter: 'page_size',
      }),
    };
  }
  return { offset: 0, pageSize: size };
}

export interface ListSpec<T> {
  apiVersion: string;
  kind: string;
  total: number;
  /** Records from `offset`, at most `size` of them: only the page is rendered, never the whole list. */
  slice(offset: number, size: number): T[];
}

export function listReply<T>(req: SimRequest, ttlMs: number, spec: ListSpec<T>): Reply {
  const page = parsePageRequest(req, ttlMs);
  if ('error' in page) return page.error;
  const filters = new URLSearchParams();
  for (const [key, value] of req.query)
    if (key !== 'page_token' && key !== 'page_size') filters.append(key, value);
  const base = `${req.baseUrl}${req.path}`;
  const filterText = filters.toString();
  const metadata: Record<string, unknown> = { first: filterText ? `${base}?${filterText}` : base };
  const end = page.offset + page.pageSize;
  if (end < spec.total) {
    const next = new URLSearchParams({
      page_token: encodePageToken({ offset: end, pageSize: page.pageSize, issuedAt: req.now }),
    });
    for (const [key, value] of filters) next.append(key, value);
    metadata.next = `${base}?${next.toString()}`;
  }
  metadata.total_size = spec.total;
  return jsonReply(200, {
    api_version: spec.apiVersion,
    kind: spec.kind,
    metadata,
    data: spec.slice(page.offset, page.pageSize),
  });
}
