/**
 * The store contract: one list of cases that every Store implementation must pass. Each case gets a fresh,
 * empty store and a `sibling` store rooted next to it (`…/sub` and `…/sub2`), to prove nothing leaks across.
 */
import { createHash } from 'node:crypto';
import * as assert from 'uvu/assert';
import { isAppError } from '../../src/errors.js';
import { isNotFound, type ObjectInfo, type Store } from '../../src/store/store.js';

export interface ContractStores {
  store: Store;
  sibling: Store;
}

export type ContractCase = [name: string, run: (s: ContractStores) => Promise<void>];

const md5Etag = (body: string) => `"${createHash('md5').update(body).digest('hex')}"`;

/** Resolves to the error a promise rejected with; fails when it resolved. */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  assert.unreachable('expected a rejection');
}

export async function assertCode(p: Promise<unknown>, code: string, retryable = false): Promise<Error> {
  const err = await rejection(p);
  assert.ok(isAppError(err), `want an AppError, got ${String(err)}`);
  assert.is(err.code, code, err.message);
  assert.is(err.retryable, retryable, err.message);
  return err;
}

function keysOf(infos: ObjectInfo[]): string[] {
  return infos.map((i) => i.key);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

const BAD_KEYS = ['../x', '/abs', 'a//b', 'a/./b', 'a\0b', 'a/../../etc/passwd', '', 'dir/', 'sp ace.json'];

export const CONTRACT_CASES: ContractCase[] = [
  [
    'put then get round-trips body, content type and ETag',
    async ({ store }) => {
      const body = '{"targets":["a:9092"]}\n';
      const put = await store.put('latest/doc.json', body, 'application/json');
      assert.equal(
        { key: put.key, size: put.size, etag: put.etag },
        {
          key: 'latest/doc.json',
          size: Buffer.byteLength(body),
          etag: md5Etag(body),
        },
      );
      assert.instance(put.lastModified, Date);
      const got = await store.get('latest/doc.json');
      assert.ok(got);
      assert.equal(
        {
          key: got.key,
          size: got.size,
          etag: got.etag,
          body: got.body.toString('utf8'),
          type: got.contentType,
        },
        {
          key: 'latest/doc.json',
          size: Buffer.byteLength(body),
          etag: md5Etag(body),
          body,
          type: 'application/json',
        },
      );
      const info = await store.head('latest/doc.json');
      assert.equal(
        { key: info.key, size: info.size, etag: info.etag },
        { key: got.key, size: got.size, etag: got.etag },
      );
    },
  ],
  [
    'getStream streams the body with its info',
    async ({ store }) => {
      const body = 'x'.repeat(200_000);
      await store.put('big/doc.json', body, 'application/json');
      const { stream, info, contentType } = await store.getStream('big/doc.json');
      assert.is(await readAll(stream), body);
      assert.equal(
        { key: info.key, size: info.size, etag: info.etag, contentType },
        {
          key: 'big/doc.json',
          size: body.length,
          etag: md5Etag(body),
          contentType: 'application/json',
        },
      );
    },
  ],
  [
    'getIfChanged with a matching ETag answers not-modified, with another ETag or none the object',
    async ({ store }) => {
      const { etag } = await store.put('latest/manifest.json', '{}', 'application/json');
      assert.is(await store.getIfChanged('latest/manifest.json', etag), 'not-modified');
      assert.is(await store.getIfChanged('latest/manifest.json', `W/${etag}`), 'not-modified');
      for (const other of [md5Etag('other'), undefined]) {
        const changed = await store.getIfChanged('latest/manifest.json', other);
        assert.ok(changed !== 'not-modified', String(other));
        assert.equal(
          { body: changed.body.toString('utf8'), etag: changed.etag, type: changed.contentType },
          { body: '{}', etag, type: 'application/json' },
        );
      }
    },
  ],
  [
    'get, getIfChanged, getStream and head of a missing key throw STORE_NOT_FOUND',
    async ({ store }) => {
      const reads = [
        () => store.get('nope.json'),
        () => store.getIfChanged('nope.json', md5Etag('')),
        () => store.head('nope.json'),
        () => store.getStream('a/nope.json'),
      ];
      for (const read of reads) {
        const err = await assertCode(read(), 'STORE_NOT_FOUND');
        assert.ok(isNotFound(err));
      }
    },
  ],
  [
    'list answers keys under the prefix only, sorted',
    async ({ store }) => {
      for (const key of [
        'latest2/x.json',
        'latest/b/c.json',
        'snapshots/1/m.json',
        'latest/a.json',
        'status.json',
      ]) {
        await store.put(key, key, 'application/json');
      }
      assert.equal(keysOf(await store.list('latest/')), ['latest/a.json', 'latest/b/c.json']);
      assert.equal(keysOf(await store.list('latest')), [
        'latest/a.json',
        'latest/b/c.json',
        'latest2/x.json',
      ]);
      assert.equal(keysOf(await store.list('latest/b')), ['latest/b/c.json']);
      assert.equal(keysOf(await store.list('nope/')), []);
      assert.equal(keysOf(await store.list('')), [
        'latest/a.json',
        'latest/b/c.json',
        'latest2/x.json',
        'snapshots/1/m.json',
        'status.json',
      ]);
      const [first] = await store.list('status');
      assert.equal({ size: first?.size, etag: first?.etag }, { size: 11, etag: md5Etag('status.json') });
    },
  ],
  [
    'objects stay under the store root: a sibling root sees none of them',
    async ({ store, sibling }) => {
      await store.put('latest/a.json', 'a', 'application/json');
      await sibling.put('latest/b.json', 'b', 'application/json');
      assert.equal(keysOf(await store.list('')), ['latest/a.json']);
      assert.equal(keysOf(await sibling.list('')), ['latest/b.json']);
      await assertCode(sibling.get('latest/a.json'), 'STORE_NOT_FOUND');
    },
  ],
  [
    'delete removes the object; deleting a missing key is not an error',
    async ({ store }) => {
      await store.put('snapshots/1/doc.json', '1', 'application/json');
      await store.delete('snapshots/1/doc.json');
      await assertCode(store.head('snapshots/1/doc.json'), 'STORE_NOT_FOUND');
      await store.delete('snapshots/1/doc.json');
      await store.delete('never/was.json');
      assert.equal(keysOf(await store.list('')), []);
    },
  ],
  [
    'changing a buffer after put, or the one get answered, leaves the stored bytes alone',
    async ({ store }) => {
      const body = Buffer.from('{"a":1}');
      const { etag } = await store.put('latest/a.json', body, 'application/json');
      body.fill(0x20);
      const got = await store.get('latest/a.json');
      got.body.fill(0x20);
      const again = await store.get('latest/a.json');
      assert.equal({ body: again.body.toString('utf8'), etag: again.etag }, { body: '{"a":1}', etag });
    },
  ],
  [
    'put over an existing key replaces it whole',
    async ({ store }) => {
      const first = await store.put(
        'status.json',
        '{"outcome":"failed","error":"long message"}',
        'application/json',
      );
      const second = await store.put('status.json', '{"outcome":"ok"}', 'application/json');
      assert.is.not(second.etag, first.etag);
      const got = await store.get('status.json');
      assert.equal(
        { body: got?.body.toString('utf8'), etag: got?.etag },
        { body: '{"outcome":"ok"}', etag: second.etag },
      );
      assert.equal(keysOf(await store.list('')), ['status.json']);
    },
  ],
  [
    'create writes a missing key, and never overwrites one: STORE_CONFLICT, the first bytes stay',
    async ({ store }) => {
      const first = await store.create('snapshots/1/doc.json', '{"run":1}', 'application/json');
      assert.equal(
        { key: first.key, size: first.size, etag: first.etag },
        {
          key: 'snapshots/1/doc.json',
          size: 9,
          etag: md5Etag('{"run":1}'),
        },
      );
      const err = await assertCode(
        store.create('snapshots/1/doc.json', '{"run":2}', 'application/json'),
        'STORE_CONFLICT',
      );
      assert.match(err.message, 'snapshots/1/doc.json');
      assert.match(err.message, 'already exists');
      const got = await store.get('snapshots/1/doc.json');
      assert.equal(
        { body: got.body.toString('utf8'), etag: got.etag },
        { body: '{"run":1}', etag: first.etag },
      );
      assert.equal(keysOf(await store.list('')), ['snapshots/1/doc.json']);
    },
  ],
  [
    'of two creates of one key at once exactly one wins, whole',
    async ({ store }) => {
      const bodies = ['a', 'b', 'c', 'd'].map((c) => c.repeat(100_000));
      const results = await Promise.allSettled(
        bodies.map((b) => store.create('snapshots/2/doc.json', b, 'application/json')),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      assert.is(won.length, 1);
      for (const r of lost) assert.ok(isAppError(r.reason, 'STORE_CONFLICT'), String(r.reason));
      const winner = bodies[results.findIndex((r) => r.status === 'fulfilled')];
      assert.is((await store.get('snapshots/2/doc.json')).body.toString('utf8'), winner);
      assert.equal(keysOf(await store.list('')), ['snapshots/2/doc.json']);
    },
  ],
  [
    'replace writes only while the object still has the ETag read before; else STORE_CONFLICT',
    async ({ store }) => {
      const v1 = await store.put('latest/manifest.json', '{"v":1}', 'application/json');
      const v2 = await store.replace('latest/manifest.json', '{"v":2}', 'application/json', v1.etag);
      assert.is(v2.etag, md5Etag('{"v":2}'));
      const stale = await assertCode(
        store.replace('latest/manifest.json', '{"v":3}', 'application/json', v1.etag),
        'STORE_CONFLICT',
      );
      assert.match(stale.message, 'changed since it was read');
      assert.is((await store.get('latest/manifest.json')).body.toString('utf8'), '{"v":2}');
      // the ETag compares bare, as readers hand it back
      await store.replace('latest/manifest.json', '{"v":4}', 'application/json', `W/${v2.etag}`);
      assert.is((await store.get('latest/manifest.json')).body.toString('utf8'), '{"v":4}');
      await assertCode(
        store.replace('latest/gone.json', '{}', 'application/json', v1.etag),
        'STORE_CONFLICT',
      );
      await assertCode(store.head('latest/gone.json'), 'STORE_NOT_FOUND');
    },
  ],
  [
    'of two replaces from one ETag at once exactly one wins',
    async ({ store }) => {
      const { etag } = await store.put('latest/manifest.json', '{"v":0}', 'application/json');
      const bodies = ['{"v":"a"}', '{"v":"b"}', '{"v":"c"}'];
      const results = await Promise.allSettled(
        bodies.map((b) => store.replace('latest/manifest.json', b, 'application/json', etag)),
      );
      assert.is(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results)
        if (r.status === 'rejected') assert.ok(isAppError(r.reason, 'STORE_CONFLICT'), String(r.reason));
      const winner = bodies[results.findIndex((r) => r.status === 'fulfilled')];
      assert.is((await store.get('latest/manifest.json')).body.toString('utf8'), winner);
      assert.equal(keysOf(await store.list('')), ['latest/manifest.json']);
    },
  ],
  [
    'invalid keys are rejected before any I/O',
    async ({ store }) => {
      for (const key of BAD_KEYS) {
        const err = await assertCode(store.put(key, 'x', 'application/json'), 'STORE_WRITE');
        assert.match(err.message, 'invalid key');
        await assertCode(store.create(key, 'x', 'application/json'), 'STORE_WRITE');
        await assertCode(store.replace(key, 'x', 'application/json', md5Etag('x')), 'STORE_WRITE');
        await assertCode(store.delete(key), 'STORE_WRITE');
        await assertCode(store.get(key), 'STORE_NOT_FOUND');
        await assertCode(store.getIfChanged(key, undefined), 'STORE_NOT_FOUND');
        await assertCode(store.head(key), 'STORE_NOT_FOUND');
      }
      await assertCode(store.list('../'), 'STORE_NOT_FOUND');
      assert.equal(keysOf(await store.list('')), []);
    },
  ],
  [
    'check passes for reading and writing and leaves no probe behind',
    async ({ store }) => {
      await store.checkWritable();
      await store.check();
      assert.equal(keysOf(await store.list('')), []);
    },
  ],
];
