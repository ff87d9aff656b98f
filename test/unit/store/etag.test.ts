import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { bareEtag, isSameEtag, md5Etag } from '../../../src/store/etag.js';

test('bareEtag strips the weak marker, quotes and blanks', () => {
  const table: Array<[string, string]> = [
    ['"abc"', 'abc'],
    ['W/"abc"', 'abc'],
    [' "abc" ', 'abc'],
    ['abc', 'abc'],
    ['"0123-gzip"', '0123-gzip'],
    ['*', '*'],
    ['', ''],
  ];
  assert.equal(
    table.map(([e]) => [e, bareEtag(e)]),
    table,
  );
});

test('isSameEtag ignores quotes and the weak marker', () => {
  assert.equal(
    [isSameEtag('"abc"', 'abc'), isSameEtag('W/"abc"', '"abc"'), isSameEtag('"abc"', '"abd"')],
    [true, true, false],
  );
});

test('md5Etag is the quoted md5 of the bytes, as S3 answers for a single-part upload', () => {
  assert.is(md5Etag(Buffer.from('')), '"d41d8cd98f00b204e9800998ecf8427e"');
});

test.run();
