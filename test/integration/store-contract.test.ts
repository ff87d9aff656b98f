/**
 * One contract, three stores: the directory store (mkdtemp), the S3 store against s3rver on 127.0.0.1 and the
 * in-memory store.
 * Then what only one of them can show: atomic replacement on disk, unwritable directories, missing buckets,
 * refused credentials and refused uploads.
 */
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createLogger } from '../../src/log.js';
import { createFileStore } from '../../src/store/file-store.js';
import { createMemoryStore } from '../../src/store/memory-store.js';
import { withStoreRetry } from '../../src/store/retrying-store.js';
import { createS3Store } from '../../src/store/s3-store.js';
import { createTestS3Store, type S3rverHelper, startS3rver } from '../helpers/s3rver.js';
import { assertCode, CONTRACT_CASES, type ContractStores } from '../helpers/store-contract.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// ---- the contract, against the file store
const fileContract = suite('file store contract');
for (const [name, run] of CONTRACT_CASES) {
  fileContract(name, async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-store-'));
    const stores: ContractStores = {
      store: createFileStore(path.join(tmp, 'root', 'sub')),
      sibling: createFileStore(path.join(tmp, 'root', 'sub2')),
    };
    try {
      await run(stores);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
}
fileContract.run();

// ---- the contract, against the in-memory store
const memoryContract = suite('memory store contract');
for (const [name, run] of CONTRACT_CASES) {
  memoryContract(name, () => run({ store: createMemoryStore(), sibling: createMemoryStore() }));
}
memoryContract.run();

// ---- the contract, against the S3 store on s3rver
const s3Contract = suite<{ s3?: S3rverHelper }>('s3 store contract', {});
s3Contract.before(async (ctx) => {
  ctx.s3 = await startS3rver();
});
s3Contract.after(async (ctx) => {
  await ctx.s3?.close();
});
CONTRACT_CASES.forEach(([name, run], i) => {
  s3Contract(name, async (ctx) => {
    const s3 = ctx.s3 as S3rverHelper;
    const stores: ContractStores = {
      store: createTestS3Store(s3, `root/c${i}/sub`),
      sibling: createTestS3Store(s3, `root/c${i}/sub2`),
    };
    try {
      await run(stores);
    } finally {
      await stores.store.close();
      await stores.sibling.close();
    }
  });
});
s3Contract.run();

// ---- only the file store
const fileOnly = suite('file store');

fileOnly('a reader during many concurrent puts of different sizes never sees a partial file', async () => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-store-'));
  const store = createFileStore(tmp);
  try {
    const payloads = [10, 250_000, 3, 900_000, 40_000, 1_500_000].map((size, i) =>
      'abcdef'.charAt(i).repeat(size),
    );
    const valid = new Set(payloads);
    await store.put('latest/doc.json', payloads[0] ?? '', 'application/json');
    let writing = true;
    let reads = 0;
    const reader = (async () => {
      while (writing) {
        const got = await store.get('latest/doc.json');
        assert.ok(valid.has(got?.body.toString('utf8') ?? ''), `partial read of ${got?.body.length} bytes`);
        reads++;
      }
    })();
    for (let round = 0; round < 10; round++) {
      await Promise.all(payloads.map((p) => store.put('latest/doc.json', p, 'application/json')));
    }
    writing = false;
    await reader;
    assert.ok(reads > 0);
    assert.equal(await readdir(path.join(tmp, 'latest')), ['doc.json']);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

fileOnly('temp files of an interrupted put are not listed', async () => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-store-'));
  try {
    await mkdir(path.join(tmp, 'latest'));
    await writeFile(path.join(tmp, 'latest', '.doc.json.tmp-0123456789ab'), 'half');
    await writeFile(path.join(tmp, 'latest', 'doc.json'), 'whole');
    const infos = await createFileStore(tmp).list('');
    assert.equal(
      infos.map((i) => i.key),
      ['latest/doc.json'],
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

fileOnly('a directory that cannot be created fails check with STORE_WRITE', async () => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-store-'));
  try {
    await writeFile(path.join(tmp, 'file'), 'not a directory');
    const store = createFileStore(path.join(tmp, 'file', 'data'));
    const err = await assertCode(store.checkWritable(), 'STORE_WRITE');
    assert.match(err.message, `check file:${path.join(tmp, 'file', 'data')} is writable: ENOTDIR`);
    await assertCode(store.put('a.json', '{}', 'application/json'), 'STORE_WRITE');
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

// root ignores file modes, so this case can only fail (and therefore only runs) as another user
const asNonRoot = process.getuid?.() === 0 ? fileOnly.skip : fileOnly;
asNonRoot('a read-only directory fails check and put with STORE_WRITE', async () => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-store-'));
  const { chmod } = await import('node:fs/promises');
  try {
    await chmod(tmp, 0o555);
    const store = createFileStore(tmp);
    await store.check();
    const err = await assertCode(store.checkWritable(), 'STORE_WRITE');
    assert.match(err.message, `check file:${tmp} is writable: EACCES`);
    const putErr = await assertCode(store.put('latest/x.json', '{}', 'application/json'), 'STORE_WRITE');
    assert.match(putErr.message, `put latest/x.json into file:${tmp}: EACCES`);
  } finally {
    await chmod(tmp, 0o755);
    await rm(tmp, { recursive: true, force: true });
  }
});

fileOnly('check without write on a missing directory says so', async () => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-store-'));
  try {
    const dir = path.join(tmp, 'missing');
    const err = await assertCode(createFileStore(dir).check(), 'STORE_UNAVAILABLE');
    assert.is(err.message, `check file:${dir} is readable: directory does not exist`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

fileOnly(
  "a replace waits for another writer's lock, breaks one a killed writer left, never lists it",
  async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-store-'));
    const store = createFileStore(tmp);
    try {
      const { etag } = await store.put('latest/manifest.json', '{"v":1}', 'application/json');
      const lock = path.join(tmp, 'latest', '.manifest.json.lock');
      // a live holder: the replace waits until the lock goes, then compares and writes
      await writeFile(lock, '');
      const replacing = store.replace('latest/manifest.json', '{"v":2}', 'application/json', etag);
      await new Promise((r) => setTimeout(r, 60));
      assert.is((await store.get('latest/manifest.json')).body.toString('utf8'), '{"v":1}');
      assert.equal(
        (await store.list('')).map((i) => i.key),
        ['latest/manifest.json'],
      );
      await rm(lock);
      const v2 = await replacing;
      assert.is((await store.get('latest/manifest.json')).body.toString('utf8'), '{"v":2}');
      // a holder killed 20 s ago: its lock is broken
      await writeFile(lock, '');
      const old = new Date(Date.now() - 20_000);
      await utimes(lock, old, old);
      await store.replace('latest/manifest.json', '{"v":3}', 'application/json', v2.etag);
      assert.is((await store.get('latest/manifest.json')).body.toString('utf8'), '{"v":3}');
      assert.equal(await readdir(path.join(tmp, 'latest')), ['manifest.json']);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  },
);

fileOnly('create leaves no temp file behind, won or lost', async () => {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-store-'));
  const store = createFileStore(tmp);
  try {
    await store.create('snapshots/1/a.json', 'a', 'application/json');
    await assertCode(store.create('snapshots/1/a.json', 'b', 'application/json'), 'STORE_CONFLICT');
    assert.equal(await readdir(path.join(tmp, 'snapshots', '1')), ['a.json']);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
});

fileOnly.run();

// ---- only the S3 store
const s3Only = suite<{ s3?: S3rverHelper }>('s3 store', {});
s3Only.before(async (ctx) => {
  ctx.s3 = await startS3rver();
});
s3Only.after(async (ctx) => {
  await ctx.s3?.close();
});
s3Only.after.each((ctx) => {
  ctx.s3?.setRefusePuts(false);
  ctx.s3?.refuseNextPuts(0);
});

function captureLog() {
  const lines: Array<Record<string, unknown>> = [];
  const log = createLogger({
    level: 'warn',
    format: 'json',
    destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { log, lines };
}

s3Only('a bucket that does not exist fails check with a clear error', async (ctx) => {
  const s3 = ctx.s3 as S3rverHelper;
  const store = createS3Store({
    bucket: 'no-such-bucket',
    prefix: 'p',
    region: 'us-east-1',
    endpoint: s3.endpoint,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    const err = await assertCode(store.checkWritable(), 'STORE_UNAVAILABLE');
    assert.is(err.message, 'check s3://no-such-bucket/p is writable: bucket "no-such-bucket" does not exist');
    const putErr = await assertCode(store.put('a.json', '{}', 'application/json'), 'STORE_UNAVAILABLE');
    assert.is(putErr.message, 'put a.json to s3://no-such-bucket/p: bucket "no-such-bucket" does not exist');
  } finally {
    await store.close();
  }
});

s3Only('refused credentials fail check, not retryable, without the secret in the message', async (ctx) => {
  const s3 = ctx.s3 as S3rverHelper;
  const store = createS3Store({
    bucket: s3.bucket,
    prefix: 'p',
    region: 'us-east-1',
    endpoint: s3.endpoint,
    credentials: { accessKeyId: 'WRONGKEY', secretAccessKey: 'top-secret-value' },
  });
  try {
    const err = await assertCode(store.check(), 'STORE_UNAVAILABLE');
    assert.match(err.message, /^check s3:\/\/test-bucket\/p is readable: credentials were refused/);
    assert.not.match(JSON.stringify({ m: err.message, c: String(err.cause) }), 'top-secret-value');
  } finally {
    await store.close();
  }
});

s3Only('an unreachable endpoint fails check as STORE_UNAVAILABLE, retryable', async () => {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  const store = createS3Store({
    bucket: 'b-1',
    prefix: '',
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${port}`,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    const err = await assertCode(store.check(), 'STORE_UNAVAILABLE', true);
    assert.match(err.message, /^check s3:\/\/b-1 is readable: ECONNREFUSED/);
  } finally {
    await store.close();
  }
});

s3Only('refused PUTs: 503 is retryable STORE_UNAVAILABLE, 403 is not', async (ctx) => {
  const s3 = ctx.s3 as S3rverHelper;
  const store = createTestS3Store(s3, 'refused');
  try {
    s3.setRefusePuts(true, 503);
    const err = await assertCode(
      store.put('latest/a.json', '{}', 'application/json'),
      'STORE_UNAVAILABLE',
      true,
    );
    assert.match(err.message, /^put latest\/a.json to s3:\/\/test-bucket\/refused: server returned HTTP 503/);
    s3.setRefusePuts(true, 403);
    const denied = await assertCode(
      store.put('latest/a.json', '{}', 'application/json'),
      'STORE_UNAVAILABLE',
    );
    assert.match(
      denied.message,
      /^put latest\/a.json to s3:\/\/test-bucket\/refused: credentials were refused/,
    );
    await assertCode(store.head('latest/a.json'), 'STORE_NOT_FOUND');
  } finally {
    await store.close();
  }
});

s3Only('an upload that fails halfway leaves the earlier objects and not the later ones', async (ctx) => {
  const s3 = ctx.s3 as S3rverHelper;
  const store = createTestS3Store(s3, 'halfway');
  try {
    s3.refusePutsAfter(1);
    await store.put('snapshots/1/a.json', 'a', 'application/json');
    await assertCode(store.put('snapshots/1/b.json', 'b', 'application/json'), 'STORE_UNAVAILABLE', true);
    assert.equal(
      (await store.list('')).map((i) => i.key),
      ['snapshots/1/a.json'],
    );
  } finally {
    await store.close();
  }
});

s3Only('withStoreRetry retries a 503 and succeeds, one warn per failed attempt', async (ctx) => {
  const s3 = ctx.s3 as S3rverHelper;
  const inner = createTestS3Store(s3, 'retry');
  const { log, lines } = captureLog();
  const store = withStoreRetry(inner, { retries: 3, log, minTimeoutMs: 1 });
  try {
    s3.refuseNextPuts(2);
    const before = s3.putCount();
    await store.put('latest/a.json', '{"a":1}', 'application/json');
    assert.is(s3.putCount() - before, 3);
    assert.equal(
      lines.map((l) => [l.msg, l.op, l.key, l.attempt, l.willRetry]),
      [
        ['store call failed', 'put', 'latest/a.json', 1, true],
        ['store call failed', 'put', 'latest/a.json', 2, true],
      ],
    );
    assert.is((await store.get('latest/a.json'))?.body.toString('utf8'), '{"a":1}');
  } finally {
    await store.close();
  }
});

s3Only('withStoreRetry gives up after its retries and never retries a 403', async (ctx) => {
  const s3 = ctx.s3 as S3rverHelper;
  const inner = createTestS3Store(s3, 'retry2');
  const { log, lines } = captureLog();
  const store = withStoreRetry(inner, { retries: 2, log, minTimeoutMs: 1 });
  try {
    s3.setRefusePuts(true, 503);
    let before = s3.putCount();
    await assertCode(store.put('a.json', '{}', 'application/json'), 'STORE_UNAVAILABLE', true);
    assert.is(s3.putCount() - before, 3);
    assert.equal(
      lines.map((l) => l.willRetry),
      [true, true, false],
    );
    s3.setRefusePuts(true, 403);
    before = s3.putCount();
    await assertCode(store.put('a.json', '{}', 'application/json'), 'STORE_UNAVAILABLE');
    assert.is(s3.putCount() - before, 1);
  } finally {
    await store.close();
  }
});

s3Only(
  'create sends If-None-Match: *, replace If-Match with the quoted ETag; a refusal is STORE_CONFLICT',
  async (ctx) => {
    const s3 = ctx.s3 as S3rverHelper;
    const store = createTestS3Store(s3, 'cond');
    try {
      const before = s3.conditionalPuts().length;
      const first = await store.create('snapshots/1/a.json', 'a', 'application/json');
      await assertCode(store.create('snapshots/1/a.json', 'b', 'application/json'), 'STORE_CONFLICT');
      await store.replace('snapshots/1/a.json', 'c', 'application/json', first.etag.replace(/"/g, ''));
      await assertCode(
        store.replace('snapshots/1/a.json', 'd', 'application/json', first.etag),
        'STORE_CONFLICT',
      );
      assert.equal(s3.conditionalPuts().slice(before), [
        { key: 'cond/snapshots/1/a.json', ifNoneMatch: '*', answered: 200 },
        { key: 'cond/snapshots/1/a.json', ifNoneMatch: '*', answered: 412 },
        { key: 'cond/snapshots/1/a.json', ifMatch: first.etag, answered: 200 },
        { key: 'cond/snapshots/1/a.json', ifMatch: first.etag, answered: 412 },
      ]);
      assert.is((await store.get('snapshots/1/a.json')).body.toString('utf8'), 'c');
    } finally {
      await store.close();
    }
  },
);

s3Only(
  's3rver itself ignores If-None-Match on PUT: without the shim a create overwrites (the gap)',
  async (ctx) => {
    const s3 = ctx.s3 as S3rverHelper;
    const store = createTestS3Store(s3, 'gap');
    try {
      s3.setEnforceConditions(false);
      await store.create('snapshots/1/a.json', 'a', 'application/json');
      await store.create('snapshots/1/a.json', 'b', 'application/json');
      assert.is((await store.get('snapshots/1/a.json')).body.toString('utf8'), 'b');
    } finally {
      s3.setEnforceConditions(true);
      await store.close();
    }
  },
);

s3Only.run();
