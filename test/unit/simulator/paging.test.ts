import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listReply } from '../../../src/simulator/list-page.js';
import { decodePageToken, encodePageToken, isPageTokenExpired } from '../../../src/simulator/page-token.js';
import type { SimRequest } from '../../../src/simulator/reply.js';

test('a page token round-trips and is opaque url-safe text', () => {
  const token = { offset: 200, pageSize: 100, issuedAt: 1_795_427_029_705 };
  const text = encodePageToken(token);
  assert.match(text, /^[A-Za-z0-9_-]+$/);
  assert.equal(decodePageToken(text), token);
});

for (const [name, text] of [
  ['empty', ''],
  ['not base64url', 'a+b/c='],
  ['another version', Buffer.from('p0:1:2:3').toString('base64url')],
  ['negative offset', Buffer.from('p1:-1:2:3').toString('base64url')],
  ['zero page size', Buffer.from('p1:0:0:3').toString('base64url')],
  ['missing field', Buffer.from('p1:0:10').toString('base64url')],
  ['fraction', Buffer.from('p1:0.5:10:3').toString('base64url')],
] as const) {
  test(`a token that is not ours is rejected: ${name}`, () => {
    assert.is(decodePageToken(text), undefined);
  });
}

test('a token expires strictly after its ttl', () => {
  const token = { offset: 0, pageSize: 10, issuedAt: 1000 };
  assert.is(isPageTokenExpired(token, 1000 + 300_000, 300_000), false);
  assert.is(isPageTokenExpired(token, 1000 + 300_001, 300_000), true);
});

function request(query: string, now = 5_000): SimRequest {
  return {
    method: 'GET',
    path: '/cmk/v2/clusters',
    query: new URLSearchParams(query),
    params: {},
    baseUrl: 'http://sim',
    body: undefined,
    now,
  };
}

const spec = (total: number) => ({
  apiVersion: 'cmk/v2',
  kind: 'ClusterList',
  total,
  slice: (offset: number, size: number) =>
    Array.from({ length: Math.max(0, Math.min(size, total - offset)) }, (_, i) => offset + i),
});

test('the first page links the next one, keeping filters and the page size in the token', () => {
  const reply = listReply(request('environment=env-1&page_size=2'), 60_000, spec(5));
  const body = JSON.parse(reply.body);
  const token = encodePageToken({ offset: 2, pageSize: 2, issuedAt: 5_000 });
  assert.equal(body, {
    api_version: 'cmk/v2',
    kind: 'ClusterList',
    metadata: {
      first: 'http://sim/cmk/v2/clusters?environment=env-1',
      next: `http://sim/cmk/v2/clusters?page_token=${token}&environment=env-1`,
      total_size: 5,
    },
    data: [0, 1],
  });
});

test('the last page has no next', () => {
  const token = encodePageToken({ offset: 4, pageSize: 2, issuedAt: 5_000 });
  const body = JSON.parse(listReply(request(`page_token=${token}&environment=env-1`), 60_000, spec(5)).body);
  assert.equal(body.data, [4]);
  assert.is(body.metadata.next, undefined);
});

for (const [name, query, code] of [
  ['page_size above 100', 'page_size=101', 'invalid_filter'],
  ['page_size zero', 'page_size=0', 'invalid_filter'],
  ['page_size not a number', 'page_size=ten', 'invalid_filter'],
  ['a token that is not ours', 'page_token=garbage+', 'invalid_page_token'],
] as const) {
  test(`400 for ${name}`, () => {
    const reply = listReply(request(query), 60_000, spec(5));
    assert.is(reply.status, 400);
    assert.is(JSON.parse(reply.body).errors[0].code, code);
    assert.is(JSON.parse(reply.body).errors[0].status, '400');
  });
}

test('an expired token answers 400 invalid_page_token', () => {
  const token = encodePageToken({ offset: 2, pageSize: 2, issuedAt: 1_000 });
  const reply = listReply(request(`page_token=${token}`, 1_000 + 60_001), 60_000, spec(5));
  assert.is(reply.status, 400);
  const error = JSON.parse(reply.body).errors[0];
  assert.equal(
    [error.status, error.code, error.source],
    ['400', 'invalid_page_token', { parameter: 'page_token' }],
  );
});

test.run();
