import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extractPageToken, listAllPages, type Page, PageTokenError } from '../../../src/confluent/paging.js';
import { requestError } from '../../../src/confluent/upstream-error.js';
import { AppError, isAppError } from '../../../src/errors.js';
import { createSilentLogger } from '../../../src/log.js';

test('extractPageToken: the page_token of metadata.next; null, "" and absent end the listing', () => {
  const cases: [string, string | null | undefined, string | undefined][] = [
    ['absent', undefined, undefined],
    ['null', null, undefined],
    ['empty', '', undefined],
    ['blank', '  ', undefined],
    [
      'full url keeping filters',
      'https://api.confluent.cloud/cmk/v2/clusters?page_token=dyJp%3D&environment=env-1',
      'dyJp=',
    ],
    [
      'token first',
      'https://api.confluent.cloud/org/v2/environments?page_token=UvmDWOB1iwfAIBPj6EYb',
      'UvmDWOB1iwfAIBPj6EYb',
    ],
    ['relative url', '/org/v2/environments?page_size=100&page_token=abc', 'abc'],
  ];
  for (const [name, next, want] of cases) assert.is(extractPageToken(next), want, name);
});

test('extractPageToken: a next URL without a token is an error, not an endless loop', () => {
  assert.throws(
    () => extractPageToken('https://api.confluent.cloud/org/v2/environments?page_size=10'),
    (e: unknown) => e instanceof PageTokenError,
  );
  assert.throws(
    () => extractPageToken('https://api.confluent.cloud/x?page_token='),
    (e: unknown) => e instanceof PageTokenError,
  );
});

const call = { action: 'list things', endpoint: 'GET /things', permission: 'p' };
const options = { action: 'list things', log: createSilentLogger(), maxPages: 10_000 };

function scripted(pages: Record<string, Page<number> | AppError | (Page<number> | AppError)[]>) {
  const asked: (string | undefined)[] = [];
  const used = new Map<string, number>();
  const fetchPage = async (token: string | undefined): Promise<Page<number>> => {
    asked.push(token);
    const key = token ?? 'first';
    const entry = pages[key];
    const n = used.get(key) ?? 0;
    used.set(key, n + 1);
    const value = Array.isArray(entry) ? entry[Math.min(n, entry.length - 1)] : entry;
    if (value === undefined) throw new Error(`no page ${key}`);
    if (value instanceof AppError) throw value;
    return value;
  };
  return { asked, fetchPage };
}

test('listAllPages follows tokens across pages', async () => {
  const s = scripted({
    first: { items: [1, 2], nextToken: 'b' },
    b: { items: [3], nextToken: 'c' },
    c: { items: [4], nextToken: undefined },
  });
  assert.equal(await listAllPages(s.fetchPage, options), [1, 2, 3, 4]);
  assert.equal(s.asked, [undefined, 'b', 'c']);
});

test('listAllPages restarts once when a page_token request answers 400, without duplicates', async () => {
  const s = scripted({
    first: { items: [1, 2], nextToken: 'b' },
    b: [
      requestError(call, 400, { errors: [{ status: '400', detail: 'invalid page token' }] }),
      { items: [3], nextToken: undefined },
    ],
  });
  assert.equal(await listAllPages(s.fetchPage, options), [1, 2, 3]);
  assert.equal(s.asked, [undefined, 'b', undefined, 'b']);
});

test('listAllPages fails when the token is rejected again after the restart', async () => {
  const s = scripted({ first: { items: [1], nextToken: 'b' }, b: requestError(call, 400, undefined) });
  try {
    await listAllPages(s.fetchPage, options);
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.ok(isAppError(err, 'API_REQUEST'));
    assert.is(
      (err as Error).message,
      'list things: server returned HTTP 400 for GET /things (page_token rejected again after restarting the listing)',
    );
  }
  assert.equal(s.asked, [undefined, 'b', undefined, 'b']);
});

test('listAllPages does not restart on a 400 of the first page, nor on other errors', async () => {
  for (const [name, error] of [
    ['400 on page 1', requestError(call, 400, undefined)],
    ['404 on a token page', requestError(call, 404, undefined)],
  ] as const) {
    const s = scripted(
      name === '400 on page 1' ? { first: error } : { first: { items: [1], nextToken: 'b' }, b: error },
    );
    try {
      await listAllPages(s.fetchPage, options);
      assert.unreachable(name);
    } catch (err) {
      assert.is(err, error, name);
    }
    assert.is(s.asked.length, name === '400 on page 1' ? 1 : 2, name);
  }
});

test('listAllPages refuses a repeated token', async () => {
  const s = scripted({ first: { items: [1], nextToken: 'b' }, b: { items: [2], nextToken: 'b' } });
  try {
    await listAllPages(s.fetchPage, options);
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.ok(isAppError(err, 'API_BAD_RESPONSE'));
    assert.is(
      (err as Error).message,
      'list things: metadata.next repeats an earlier page_token after 2 pages',
    );
  }
});

test('listAllPages stops after maxPages when every page brings a fresh token', async () => {
  let n = 0;
  const fetchPage = async (): Promise<Page<number>> => {
    n++;
    return { items: [n], nextToken: `t${n}` };
  };
  try {
    await listAllPages(fetchPage, { ...options, maxPages: 25 });
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.ok(isAppError(err, 'API_BAD_RESPONSE'));
    assert.is(
      (err as Error).message,
      'list things: the listing did not end after 25 pages (the server keeps sending a next page token)',
    );
  }
  assert.is(n, 25);
});

test('listAllPages takes a listing of exactly maxPages pages', async () => {
  let n = 0;
  const fetchPage = async (): Promise<Page<number>> => {
    n++;
    return { items: [n], nextToken: n < 3 ? `t${n}` : undefined };
  };
  assert.equal(await listAllPages(fetchPage, { ...options, maxPages: 3 }), [1, 2, 3]);
});

test.run();
