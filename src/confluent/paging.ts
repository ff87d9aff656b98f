/**
 * Cursor paging as Confluent's management APIs do it: `metadata.next` is the full URL of the next page and we
 * re-issue our own request with its `page_token` (as Confluent's Terraform provider and CLI do). Tokens expire:
 * a 400 on a request that carried one restarts the listing from page 1, once.
 */
import { AppError } from '../errors.js';
import type { Logger } from '../log.js';
import { httpStatusOf } from './upstream-error.js';

/** Thrown when `metadata.next` is a URL without a page_token (following it blindly could loop forever). */
export class PageTokenError extends Error {
  override readonly name = 'PageTokenError';
}

/** The page_token of `metadata.next`; undefined when `next` is absent, null or "" (the last page). */
export function extractPageToken(next: string | null | undefined): string | undefined {
  if (next === null || next === undefined || next.trim() === '') return undefined;
  let url: URL;
  try {
    // Relative URLs are resolved against a placeholder: only the query matters.
    url = new URL(next, 'http://placeholder.invalid');
  } catch {
    // the requester redacts and bounds this text; cutting it here could leave half a secret behind
    throw new PageTokenError(`metadata.next is not a URL: ${JSON.stringify(next)}`);
  }
  const token = url.searchParams.get('page_token');
  if (!token) throw new PageTokenError('metadata.next has no page_token');
  return token;
}

/** The Metrics API's `meta.pagination.next_page_token`; undefined when absent, null or "" (the last page). */
export function metricsNextToken(
  meta:
    | { pagination?: { next_page_token?: string | null | undefined } | null | undefined }
    | null
    | undefined,
): string | undefined {
  const next = meta?.pagination?.next_page_token;
  return next ? next : undefined;
}

export interface Page<T> {
  items: T[];
  /** undefined on the last page */
  nextToken: string | undefined;
}

export interface ListAllPagesOptions {
  action: string;
  log: Logger;
  /** Pages one listing may take; a server that keeps sending fresh tokens is stopped here. */
  maxPages: number;
}

/** Default page cap: 1,000,000 records at 100 a page, far past any organisation, and a bound on a broken server. */
export const DEFAULT_MAX_PAGES = 10_000;

/**
 * Collects every page. `fetchPage(undefined)` is the first request. A repeated token, or more than `maxPages`
 * pages, is a broken server (API_BAD_RESPONSE) rather than an endless loop.
 */
export async function listAllPages<T>(
  fetchPage: (token: string | undefined) => Promise<Page<T>>,
  options: ListAllPagesOptions,
): Promise<T[]> {
  let restarted = false;
  for (;;) {
    const items: T[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    try {
      do {
        const page = await fetchPage(token);
        items.push(...page.items);
        if (page.nextToken !== undefined && seen.has(page.nextToken)) {
          throw new AppError(
            'API_BAD_RESPONSE',
            `${options.action}: metadata.next repeats an earlier page_token after ${seen.size + 1} pages`,
          );
        }
        token = page.nextToken;
        if (token !== undefined) seen.add(token);
        if (token !== undefined && seen.size >= options.maxPages) throw endlessListingError(options);
      } while (token !== undefined);
      return items;
    } catch (err) {
      if (token === undefined || httpStatusOf(err) !== 400) throw err;
      if (restarted) {
        const message = err instanceof Error ? err.message : String(err);
        throw new AppError(
          'API_REQUEST',
          `${message} (page_token rejected again after restarting the listing)`,
          {
            cause: err,
          },
        );
      }
      restarted = true;
      options.log.warn(
        { action: options.action, pages: seen.size },
        'page token rejected, restarting listing',
      );
    }
  }
}

function endlessListingError(options: ListAllPagesOptions): AppError {
  return new AppError(
    'API_BAD_RESPONSE',
    `${options.action}: the listing did not end after ${options.maxPages} pages (the server keeps sending a next page token)`,
  );
}
