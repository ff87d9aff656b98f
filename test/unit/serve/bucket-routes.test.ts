import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { suite, test } from 'uvu';
import * as assert from 'uvu/assert';
import { INFO_TYPE } from '../../../src/bucket/objects.js';
import { bucketPathOf } from '../../../src/serve/bucket-routes.js';
import { HttpError } from '../../../src/serve/errors.js';
import { publishFakeRun } from '../../helpers/bucket.js';
import { AUTH, createServeFixture, publishInfoRun, type ServeFixture } from '../../helpers/serve-app.js';

const DOC = 'noprefix--api.telemetry.confluent.cloud';
const RUN1 = '20260101T120000Z';
const RUN2 = '20260102T120000Z';
const RUN3 = '20260103T120000Z';

test('bucketPathOf: only the bucket layout becomes a key', () => {
  const cases: [string, string][] = [
    [`/latest/${DOC}.json`, `object latest/${DOC}.json`],
    ['/latest/manifest.json', 'object latest/manifest.json'],
    [`/snapshots/${RUN1}/${DOC}.json`, `object snapshots/${RUN1}/${DOC}.json`],
    [`/latest/${DOC}.info.prom`, `object latest/${DOC}.info.prom`],
    [`/snapshots/${RUN1}/${DOC}.info.prom`, `object snapshots/${RUN1}/${DOC}.info.prom`],
    [`/latest/${DOC}.prom`, 'not_found'],
    ['/status.json', 'object status.json'],
    ['/latest/', 'listing latest/'],
    ['/latest', 'listing latest/'],
    ['/snapshots/', 'listing snapshots/'],
    [`/snapshots/${RUN1}/`, `listing snapshots/${RUN1}/`],
    [`/latest/${DOC}.json?x=1`, `object latest/${DOC}.json`],
    ['/latest/../status.json', 'bad_path'],
    ['/latest/%2e%2e/status.json', 'bad_path'],
    ['/latest/..%2fstatus.json', 'bad_path'],
    ['/latest/..%2Fstatus.json', 'bad_path'],
    ['/latest/%5c..%5cstatus.json', 'bad_path'],
    ['/latest/..\\status.json', 'bad_path'],
    ['/latest/a.json%00.txt', 'bad_path'],
    ['/snapshots/./x.json', 'bad_path'],
    ['/latest/%E0%A4%A', 'bad_path'],
    ['/snapshots/../../../../etc/passwd', 'bad_path'],
    ['/latest/.manifest.json.tmp-0123456789ab', 'not_found'],
    ['/latest/sub/x.json', 'not_found'],
    ['/latest/x.txt', 'not_found'],
    ['/snapshots/notarun/x.json', 'not_found'],
    ['/snapshots/x.json', 'not_found'],
    ['/latest//x.json', 'not_found'],
  ];
  for (const [url, want] of cases) {
    let got: string;
    try {
      const p = bucketPathOf(url);
      got = p.kind === 'object' ? `object ${p.key}` : `listing ${p.prefix}`;
    } catch (err) {
      got = err instanceof HttpError ? err.error : String(err);
    }
    assert.is(got, want, url);
  }
});

test.run();

// `directory`: the app knows the file store's directory (as `serve` runs it), `store`: only the store
for (const mode of ['directory', 'store'] as const) {
  const s = suite<{ f: ServeFixture; bodies: Map<string, Buffer> }>(`bucket routes (${mode})`);
  s.before.each(async (ctx) => {
    ctx.f = await createServeFixture({ staticBucket: mode === 'directory' });
    await publishFakeRun(ctx.f.writer, {
      runId: RUN1,
      combinations: [{ targets: ['api.telemetry.confluent.cloud'], prefix: '' }],
    });
    ctx.bodies = (
      await publishFakeRun(ctx.f.writer, {
        runId: RUN2,
        previousRunId: RUN1,
        combinations: [{ targets: ['api.telemetry.confluent.cloud'], prefix: '' }],
      })
    ).bodies;
    // a file outside the bucket tree, and one a traversal would reach
    await writeFile(path.join(ctx.f.dir, 'secret.txt'), 'do not serve\n');
  });
  s.after.each(async (ctx) => {
    await ctx.f.close();
  });

  s('objects are served as stored, with validators and 304', async ({ f, bodies }) => {
    const r = await f.app.inject({ url: `/latest/${DOC}.json`, headers: AUTH });
    assert.is(r.statusCode, 200);
    assert.ok(r.rawPayload.equals(bodies.get(DOC)!));
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.ok(r.headers.etag);
    assert.ok(r.headers['last-modified']);
    const again = await f.app.inject({
      url: `/latest/${DOC}.json`,
      headers: { ...AUTH, 'if-none-match': String(r.headers.etag) },
    });
    assert.is(again.statusCode, 304);
    const old = await f.app.inject({ url: `/snapshots/${RUN1}/${DOC}.json`, headers: AUTH });
    assert.is(old.statusCode, 200);
    assert.not.ok(old.rawPayload.equals(bodies.get(DOC)!));
    const status = await f.app.inject({ url: '/status.json', headers: AUTH });
    assert.is(JSON.parse(status.body).runId, RUN2);
    const head = await f.app.inject({ method: 'HEAD', url: `/latest/${DOC}.json`, headers: AUTH });
    assert.is(head.statusCode, 200);
    assert.is(head.body, '');
    assert.is(head.headers['content-length'], String(bodies.get(DOC)!.length));
  });

  s('listings', async ({ f }) => {
    const runs = await f.app.inject({ url: '/snapshots/', headers: AUTH });
    assert.equal(JSON.parse(runs.body), { prefix: 'snapshots/', runs: [RUN2, RUN1] });
    const latest = await f.app.inject({ url: '/latest', headers: AUTH });
    assert.equal(
      JSON.parse(latest.body).objects.map((o: { key: string }) => o.key),
      ['latest/manifest.json', `latest/${DOC}.json`],
    );
  });

  s('traversal attempts never leave the tree: 400 or 404, never the file', async ({ f }) => {
    const attempts: [string, number][] = [
      // light-my-request resolves dot segments as a client would (→ /secret.txt); the integration test sends
      // them raw over a socket
      ['/latest/../secret.txt', 404],
      ['/latest/%2e%2e/secret.txt', 404],
      ['/latest/..%2fsecret.txt', 400],
      ['/latest/%2e%2e%2fsecret.txt', 400],
      ['/snapshots/..%5csecret.txt', 400],
      ['/latest/manifest.json%00', 400],
      ['/latest/%00/x.json', 400],
      ['/latest/secret.txt', 404],
      ['/secret.txt', 404],
      ['/latest/missing.json', 404],
      [`/snapshots/${RUN1}/missing.json`, 404],
      ['/latest/%E0%A4%A', 400],
    ];
    for (const [url, code] of attempts) {
      const r = await f.app.inject({ url, headers: AUTH });
      assert.is(r.statusCode, code, url);
      assert.not.match(r.body, 'do not serve', url);
      assert.is(JSON.parse(r.body).code, code, url);
    }
  });

  s('a latest/ object replaced while it is read is never sent torn', async ({ f }) => {
    const key = `latest/${DOC}.json`;
    const versions = [Buffer.from(`[${'"a",'.repeat(20_000)}"a"]\n`), Buffer.from('[]\n')];
    await f.writer.put(key, versions[1]!, 'application/json');
    let writes = 0;
    let stop = false;
    const writer = (async () => {
      while (!stop) {
        await f.writer.put(key, versions[writes % 2]!, 'application/json');
        writes += 1;
      }
    })();
    try {
      for (let i = 0; i < 300; i++) {
        const r = await f.app.inject({ url: `/${key}`, headers: AUTH });
        assert.is(r.statusCode, 200);
        assert.ok(
          versions.some((v) => v.equals(r.rawPayload)),
          `request ${i}: ${r.rawPayload.length} bytes is neither version`,
        );
      }
    } finally {
      stop = true;
      await writer;
    }
    assert.ok(writes > 10, `the object was replaced ${writes} times`);
  });

  s('info documents are served as the text format', async ({ f }) => {
    const run = await publishInfoRun(f.writer, {
      runId: RUN3,
      previousRunId: RUN2,
      combinations: [{ targets: ['api.telemetry.confluent.cloud'], prefix: '' }],
    });
    for (const url of [`/latest/${DOC}.info.prom`, `/snapshots/${RUN3}/${DOC}.info.prom`]) {
      const r = await f.app.inject({ url, headers: AUTH });
      assert.is(r.statusCode, 200, url);
      assert.ok(r.rawPayload.equals(run.infos.get(DOC)!), url);
      assert.is(r.headers['content-type'], INFO_TYPE, url);
      const head = await f.app.inject({ method: 'HEAD', url, headers: AUTH });
      assert.equal([head.statusCode, head.headers['content-type']], [200, INFO_TYPE], url);
    }
  });

  s('the tree needs a token too', async ({ f }) => {
    const r = await f.app.inject({ url: `/latest/${DOC}.json` });
    assert.is(r.statusCode, 401);
  });

  s('an unreachable store is a 503 store_unavailable', async ({ f }) => {
    f.setUnreachable(true);
    for (const url of ['/latest/', `/snapshots/${RUN1}/`, `/snapshots/${RUN1}/${DOC}.json`, '/status.json']) {
      const r = await f.app.inject({ url, headers: AUTH });
      assert.is(r.statusCode, 503, url);
      assert.equal(
        JSON.parse(r.body),
        {
          error: 'store_unavailable',
          message: 'the store could not be read',
          code: 503,
        },
        url,
      );
    }
    // from the directory, /snapshots/ reads the folder names alone: no object of the store is read (listing
    // them through a file store would hash every document of the history)
    const runs = await f.app.inject({ url: '/snapshots/', headers: AUTH });
    assert.is(runs.statusCode, mode === 'directory' ? 200 : 503);
    if (mode === 'directory')
      assert.equal(JSON.parse(runs.body), { prefix: 'snapshots/', runs: [RUN2, RUN1] });
  });

  s('Range: one range is a 206, past the end a 416, anything else the whole object', async ({ f }) => {
    const url = `/snapshots/${RUN2}/${DOC}.json`;
    const body = (await f.app.inject({ url, headers: AUTH })).rawPayload;
    const size = body.length;
    const etag = String((await f.app.inject({ url, headers: AUTH })).headers.etag);
    const cases: [string, Record<string, string>, number, string | undefined, Buffer | undefined][] = [
      ['first bytes', { range: 'bytes=0-9' }, 206, `bytes 0-9/${size}`, body.subarray(0, 10)],
      [
        'from an offset',
        { range: `bytes=${size - 5}-` },
        206,
        `bytes ${size - 5}-${size - 1}/${size}`,
        body.subarray(size - 5),
      ],
      [
        'a suffix',
        { range: 'bytes=-3' },
        206,
        `bytes ${size - 3}-${size - 1}/${size}`,
        body.subarray(size - 3),
      ],
      [
        'an end past the size',
        { range: `bytes=2-${size + 100}` },
        206,
        `bytes 2-${size - 1}/${size}`,
        body.subarray(2),
      ],
      ['past the end', { range: `bytes=${size}-` }, 416, `bytes */${size}`, undefined],
      ['an empty suffix', { range: 'bytes=-0' }, 416, `bytes */${size}`, undefined],
      ['several ranges: the whole', { range: 'bytes=0-1,4-5' }, 200, undefined, body],
      ['another unit: the whole', { range: 'items=0-1' }, 200, undefined, body],
      ['last before first: the whole', { range: 'bytes=9-2' }, 200, undefined, body],
      [
        'If-Range with the ETag',
        { range: 'bytes=0-0', 'if-range': etag },
        206,
        `bytes 0-0/${size}`,
        body.subarray(0, 1),
      ],
      ['a stale If-Range: the whole', { range: 'bytes=0-0', 'if-range': '"stale"' }, 200, undefined, body],
    ];
    for (const [name, headers, status, contentRange, want] of cases) {
      const r = await f.app.inject({ url, headers: { ...AUTH, ...headers } });
      assert.is(r.statusCode, status, name);
      assert.is(r.headers['content-range'], contentRange, name);
      if (want) {
        assert.ok(r.rawPayload.equals(want), name);
        assert.is(r.headers['content-length'], String(want.length), name);
        assert.is(r.headers['accept-ranges'], 'bytes', name);
      } else {
        assert.equal(
          JSON.parse(r.body),
          {
            error: 'range_not_satisfiable',
            message: `the range is past the end of the object (${size} bytes)`,
            code: 416,
          },
          name,
        );
      }
    }
    const head = await f.app.inject({ method: 'HEAD', url, headers: { ...AUTH, range: 'bytes=0-9' } });
    assert.equal([head.statusCode, head.headers['content-length'], head.body], [206, '10', '']);
  });

  s('a symbolic link in the store is never followed out of it: 404', async ({ f }) => {
    const outside = await mkdtemp(path.join(os.tmpdir(), 'sd-outside-'));
    try {
      await writeFile(path.join(outside, 'x.json'), 'outside the store\n');
      await symlink('/etc/passwd', path.join(f.dir, 'latest', 'evil.json'));
      await symlink('/etc/passwd', path.join(f.dir, 'snapshots', RUN1, 'evil.json'));
      await rm(path.join(f.dir, 'status.json'));
      await symlink('/etc/passwd', path.join(f.dir, 'status.json'));
      await symlink(outside, path.join(f.dir, 'snapshots', RUN3));
      for (const url of [
        '/latest/evil.json',
        `/snapshots/${RUN1}/evil.json`,
        '/status.json',
        `/snapshots/${RUN3}/x.json`,
      ]) {
        for (const method of ['GET', 'HEAD'] as const) {
          const r = await f.app.inject({ method, url, headers: AUTH });
          assert.is(r.statusCode, 404, `${method} ${url}`);
          assert.not.match(r.body, 'root:', url);
          assert.not.match(r.body, 'outside the store', url);
        }
      }
      const listing = await f.app.inject({ url: `/snapshots/${RUN3}/`, headers: AUTH });
      assert.equal(JSON.parse(listing.body), { prefix: `snapshots/${RUN3}/`, objects: [] });
      const runs = await f.app.inject({ url: '/snapshots/', headers: AUTH });
      assert.equal(JSON.parse(runs.body).runs, [RUN2, RUN1]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });

  s.run();
}
