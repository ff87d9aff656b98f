/**
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY (issue 16.3) with a real loopback forward proxy: the Confluent client and the
 * S3 client, configured from the variables as the CLI does it, go through the proxy when one is set and connect
 * directly to a NO_PROXY host; a `publish` child process sends both its API calls and its store writes through it,
 * over http and over https (CONNECT tunnels to TLS fronts with a certificate made for the test).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createConfluentClient } from '../../src/confluent/client.js';
import { createSilentLogger } from '../../src/log.js';
import { type RunningSimulator, startSimulator } from '../../src/simulator/server.js';
import { createStore } from '../../src/store/create-store.js';
import { loadNamedParts } from '../helpers/config.js';
import { type ForwardProxy, startForwardProxy } from '../helpers/forward-proxy.js';
import { runCliChild } from '../helpers/publish-child.js';
import { S3RVER_CREDENTIALS, type S3rverHelper, startS3rver } from '../helpers/s3rver.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Ctx {
  sim: RunningSimulator;
  s3: S3rverHelper;
  proxy: ForwardProxy;
}

const t = suite<Ctx>('proxy: HTTPS_PROXY, HTTP_PROXY and NO_PROXY');

t.before(async (ctx) => {
  ctx.sim = await startSimulator({ environments: 1, kafkaPerEnv: 1, connectorsPerCluster: 1 });
  ctx.s3 = await startS3rver();
  ctx.proxy = await startForwardProxy();
});
t.after(async (ctx) => {
  await ctx.proxy.close();
  await ctx.sim.close();
  await ctx.s3.close();
});
t.before.each((ctx) => {
  ctx.proxy.seen.length = 0;
});

const hostOf = (url: string) => new URL(url).host;

function confluentEnv(ctx: Ctx): Record<string, string> {
  return {
    CONFLUENT_API_KEY: 'sim-key',
    CONFLUENT_API_SECRET: 'sim-secret',
    CONFLUENT_API_URL: ctx.sim.url,
    CONFLUENT_TELEMETRY_URL: ctx.sim.url,
  };
}

function s3Env(ctx: Ctx, prefix: string): Record<string, string> {
  return {
    SD_STORE: `s3://${ctx.s3.bucket}/${prefix}`,
    S3_ENDPOINT: ctx.s3.endpoint,
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
  };
}

async function listThroughClient(env: Record<string, string>): Promise<number> {
  const { confluent } = loadNamedParts(env, ['confluent']);
  const client = createConfluentClient({ ...confluent, log: createSilentLogger() });
  return (await client.listEnvironments()).length;
}

async function writeThroughStore(env: Record<string, string>): Promise<string> {
  const { store: config } = loadNamedParts(env, ['store']);
  const store = createStore(config);
  try {
    await store.put('probe.json', '{"through":"proxy"}', 'application/json');
    return (await store.get('probe.json')).body.toString('utf8');
  } finally {
    await store.close();
  }
}

t('the Confluent client goes through HTTP_PROXY (lower-case http_proxy too)', async (ctx) => {
  for (const name of ['HTTP_PROXY', 'http_proxy']) {
    ctx.proxy.seen.length = 0;
    assert.is(await listThroughClient({ ...confluentEnv(ctx), [name]: ctx.proxy.url }), 1, name);
    assert.ok(ctx.proxy.countTo(hostOf(ctx.sim.url)) >= 1, `${name}: ${JSON.stringify(ctx.proxy.seen)}`);
  }
});

t(
  'the Confluent client bypasses the proxy for a NO_PROXY host, and uses no proxy for the other scheme',
  async (ctx) => {
    const cases: [string, Record<string, string>][] = [
      ['NO_PROXY=127.0.0.1', { HTTP_PROXY: ctx.proxy.url, NO_PROXY: '127.0.0.1' }],
      [
        'NO_PROXY with the port',
        { HTTP_PROXY: ctx.proxy.url, NO_PROXY: `example.com, ${hostOf(ctx.sim.url)}` },
      ],
      ['NO_PROXY as a CIDR', { HTTP_PROXY: ctx.proxy.url, no_proxy: '127.0.0.0/8' }],
      ['only HTTPS_PROXY, the API is http://', { HTTPS_PROXY: ctx.proxy.url }],
    ];
    for (const [name, proxyEnv] of cases) {
      assert.is(await listThroughClient({ ...confluentEnv(ctx), ...proxyEnv }), 1, name);
      assert.equal(ctx.proxy.seen, [], name);
    }
  },
);

t(
  'the S3 client goes through HTTP_PROXY to an http:// endpoint, and bypasses it for NO_PROXY',
  async (ctx) => {
    const body = await writeThroughStore({ ...s3Env(ctx, 'proxied'), HTTP_PROXY: ctx.proxy.url });
    assert.is(body, '{"through":"proxy"}');
    assert.ok(ctx.proxy.countTo(hostOf(ctx.s3.endpoint)) >= 1, JSON.stringify(ctx.proxy.seen));
    ctx.proxy.seen.length = 0;
    await writeThroughStore({
      ...s3Env(ctx, 'direct'),
      HTTP_PROXY: ctx.proxy.url,
      NO_PROXY: 'localhost,127.0.0.1',
    });
    assert.equal(ctx.proxy.seen, []);
  },
);

t('`confluent-sd publish` sends its API calls and its store writes through the proxy', async (ctx) => {
  const run = await runCliChild(['publish'], {
    env: {
      ...confluentEnv(ctx),
      ...s3Env(ctx, 'cli'),
      HTTP_PROXY: ctx.proxy.url,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    timeoutMs: 120_000,
  });
  assert.is(run.code, 0, run.stderr);
  assert.ok(ctx.proxy.countTo(hostOf(ctx.sim.url)) >= 1, 'Confluent API through the proxy');
  assert.ok(ctx.proxy.countTo(hostOf(ctx.s3.endpoint)) >= 1, 'S3 through the proxy');
});

/** A TLS front on localhost for an http origin (the simulator, s3rver), with a certificate made for the test. */
async function startTlsFront(origin: string, tls: { key: string; cert: string }) {
  const target = new URL(origin);
  const server = createHttpsServer(tls, (req, res) => {
    const out = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function makeCertificate(dir: string): { key: string; cert: string; certFile: string } {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8'), certFile };
}

t(
  'over https, both clients tunnel through HTTPS_PROXY with CONNECT and verify the server end to end',
  async (ctx) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sd-proxy-tls-'));
    const tls = makeCertificate(dir);
    const api = await startTlsFront(ctx.sim.url, tls);
    const s3 = await startTlsFront(ctx.s3.endpoint, tls);
    try {
      const run = await runCliChild(['publish'], {
        env: {
          ...confluentEnv(ctx),
          ...s3Env(ctx, 'tls'),
          CONFLUENT_API_URL: api.url,
          CONFLUENT_TELEMETRY_URL: api.url,
          S3_ENDPOINT: s3.url,
          HTTPS_PROXY: ctx.proxy.url,
          // trusts the test's certificate; the proxy only ever sees CONNECT and encrypted bytes
          NODE_EXTRA_CA_CERTS: tls.certFile,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        timeoutMs: 120_000,
      });
      assert.is(run.code, 0, run.stderr);
      const methods = new Set(ctx.proxy.seen.map((s) => s.method));
      assert.equal([...methods], ['CONNECT']);
      assert.ok(ctx.proxy.countTo(hostOf(api.url)) >= 1, JSON.stringify(ctx.proxy.seen));
      assert.ok(ctx.proxy.countTo(hostOf(s3.url)) >= 1, JSON.stringify(ctx.proxy.seen));
    } finally {
      await api.close();
      await s3.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
);

t('a proxy variable that is not an http(s) URL is CONFIG_INVALID, its text not repeated', () => {
  assert.throws(
    () =>
      loadNamedParts(
        { CONFLUENT_API_KEY: 'k', CONFLUENT_API_SECRET: 's', HTTPS_PROXY: 'user:s3cret@proxy' },
        ['confluent'],
      ),
    (err: Error) =>
      err.message ===
      'invalid configuration:\n  - HTTPS_PROXY must be an http(s) URL such as http://proxy.example:3128',
  );
});

t.run();
