/** The selection cache: one rendering per set and selection, bounded LRU, emptied at a switch, stable ETags. */
import { gunzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DocumentSet, ServedDocument } from '../../../src/serve/document-set.js';
import { parseSelection, type Selection } from '../../../src/serve/selection.js';
import { createSelectionCache, selectionEtags } from '../../../src/serve/selection-cache.js';

const SHA = 'ab'.repeat(32);

function groupLine(env: string, i: number): string {
  return `{"labels":{"__param_resource_kafka_id":"lkc-${env}${i}","environment_id":"env-${env}","instance":"lkc-${env}${i}"},"targets":["t.example"]}`;
}

/** A document of `n` groups in each of the environments env-a and env-b, no prefix, no info document. */
function servedDocument(n: number, name = 'noprefix--t.example'): ServedDocument {
  const lines = ['a', 'b'].flatMap((env) => Array.from({ length: n }, (_, i) => groupLine(env, i)));
  const body = Buffer.from(`[\n${lines.join(',\n')}\n]\n`);
  const lastModifiedMs = Date.UTC(2026, 0, 1);
  const lastModified = new Date(lastModifiedMs).toUTCString();
  const tags = { etag: '"x"', gzipEtag: '"x-gzip"', lastModifiedMs, lastModified };
  return { name, targets: ['t.example'], prefix: '', sha256: SHA, body, ...tags };
}

/** Only its identity matters to the cache. */
const newSet = () => ({}) as DocumentSet;
const sel = (env: string): Selection => parseSelection({ env })!;

test('the selected bytes, their gzip, and ETags from the document hash and the normalised selection', async () => {
  const cache = createSelectionCache();
  const doc = servedDocument(20);
  const got = await cache.get(newSet(), doc, sel('env-a'));
  const groups = JSON.parse(got.body.toString()) as { labels: Record<string, string> }[];
  assert.is(groups.length, 20);
  assert.ok(groups.every((g) => g.labels.environment_id === 'env-a'));
  assert.ok(got.gzip && gunzipSync(got.gzip).equals(got.body));
  assert.match(got.etag, new RegExp(`^"${SHA.slice(0, 32)}-[0-9a-f]{16}"$`));
  assert.is(got.gzipEtag, `${got.etag.slice(0, -1)}-gzip"`);
  // however the selection is written, the same tag; another selection or document, another tag
  assert.equal(
    selectionEtags(SHA, parseSelection({ env: 'env-b,env-a' })!),
    selectionEtags(SHA, parseSelection({ env: 'env-a, env-b,env-a' })!),
  );
  assert.not.equal(selectionEtags(SHA, sel('env-a')).etag, selectionEtags(SHA, sel('env-b')).etag);
  assert.not.equal(
    selectionEtags(SHA, sel('env-a')).etag,
    selectionEtags('cd'.repeat(32), sel('env-a')).etag,
  );
});

test('a repeated selection is a hit and returns the same buffers; concurrent misses share one rendering', async () => {
  const cache = createSelectionCache();
  const set = newSet();
  const doc = servedDocument(5);
  const [a, b] = await Promise.all([cache.get(set, doc, sel('env-a')), cache.get(set, doc, sel('env-a'))]);
  assert.ok(a === b);
  assert.ok((await cache.get(set, doc, sel('env-a'))) === a);
  assert.equal(cache.stats(), {
    entries: 1,
    bytes: a.body.length + (a.gzip?.length ?? 0),
    hits: 1,
    misses: 1,
  });
});

test('a new document set empties the cache', async () => {
  const cache = createSelectionCache();
  const doc = servedDocument(5);
  const first = await cache.get(newSet(), doc, sel('env-a'));
  await cache.get(newSet(), doc, sel('env-b'));
  assert.is(cache.stats().entries, 1);
  const again = await cache.get(newSet(), doc, sel('env-a'));
  assert.ok(again !== first);
  assert.is(cache.stats().misses, 3);
});

test('bounded by entries: the least recently used goes first', async () => {
  const cache = createSelectionCache({ maxEntries: 2 });
  const set = newSet();
  const doc = servedDocument(3);
  await cache.get(set, doc, sel('env-a'));
  await cache.get(set, doc, sel('env-b'));
  await cache.get(set, doc, sel('env-a')); // env-a is now the most recent
  await cache.get(set, doc, sel('env-c'));
  assert.is(cache.stats().entries, 2);
  const misses = cache.stats().misses;
  await cache.get(set, doc, sel('env-a'));
  assert.is(cache.stats().misses, misses);
  await cache.get(set, doc, sel('env-b'));
  assert.is(cache.stats().misses, misses + 1);
});

test('bounded by bytes: an entry over the bound is answered and not kept', async () => {
  const doc = servedDocument(200);
  const cache = createSelectionCache({ maxBytes: 1000 });
  const set = newSet();
  const big = await cache.get(set, doc, sel('env-a'));
  assert.ok(big.body.length > 1000);
  const empty = await cache.get(set, doc, sel('env-nothere'));
  assert.is(empty.body.toString(), '[]\n');
  assert.equal(cache.stats(), { entries: 1, bytes: 3, hits: 0, misses: 2 });
  assert.ok(cache.stats().bytes <= 1000);
});

test('the key holds the document name: two documents, one selection, two entries', async () => {
  const cache = createSelectionCache();
  const set = newSet();
  const one = await cache.get(set, servedDocument(2, 'one'), sel('env-a'));
  const two = await cache.get(set, servedDocument(3, 'two'), sel('env-a'));
  assert.ok(one.body.length < two.body.length);
  assert.is(cache.stats().entries, 2);
});

test.run();
