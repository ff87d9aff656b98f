/**
 * TLS and mTLS of the server (SD_WEB_CONFIG_FILE): certificates made by openssl in a temp dir, a real HTTPS
 * server on loopback, Node's https client with and without a client certificate. Rotation is done as Kubernetes
 * updates a mounted Secret: the files are links through `..data`, which is swapped to a new directory.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { serveCommand } from '../../src/serve/command.js';
import { createConnectionGuard } from '../../src/serve/connection-guard.js';
import { createNodeServer } from '../../src/serve/node-server.js';
import { loadTls } from '../../src/serve/tls.js';
import { type ClientAuthType, parseWebConfig } from '../../src/serve/web-config.js';
import { createCapturedLog } from '../helpers/captured-log.js';
import { ROOT } from '../helpers/k8s-manifests.js';
import { eventually, findFreePort } from '../helpers/poll.js';
import { runCommand } from '../helpers/run-command.js';
import { type CertFiles, createTestCa, fingerprintOf, type TlsAnswer, tlsGet } from '../helpers/tls-certs.js';

interface Certs {
  dir: string;
  serverCa: string;
  clientCa: string;
  serverA: CertFiles;
  serverB: CertFiles;
  serverC: CertFiles;
  trusted: CertFiles;
  untrusted: CertFiles;
}

const test = suite<{ certs: Certs }>('serve over TLS');

test.before(async (ctx) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-tls-'));
  const serverCa = await createTestCa(dir, 'server-ca');
  const clientCa = await createTestCa(dir, 'client-ca');
  const otherCa = await createTestCa(dir, 'other-ca');
  ctx.certs = {
    dir,
    serverCa: serverCa.cert,
    clientCa: clientCa.cert,
    serverA: await serverCa.issue('server-a', 'server'),
    serverB: await serverCa.issue('server-b', 'server'),
    serverC: await serverCa.issue('server-c', 'server'),
    trusted: await clientCa.issue('client-trusted', 'client'),
    untrusted: await otherCa.issue('client-untrusted', 'client'),
  };
});

test.after(async (ctx) => {
  await rm(ctx.certs.dir, { recursive: true, force: true });
});

/** A mounted-Secret layout in `dir`: tls.crt and tls.key link to ..data/…, ..data to a timestamped directory. */
async function mountPair(dir: string, pair: CertFiles, version: string): Promise<void> {
  const target = path.join(dir, `..${version}`);
  await mkdir(target, { recursive: true });
  await writeFile(path.join(target, 'tls.crt'), await readFile(pair.cert));
  await writeFile(path.join(target, 'tls.key'), await readFile(pair.key));
  // as the kubelet does: a new link, renamed over ..data in one step
  await symlink(`..${version}`, path.join(dir, '..data_tmp'));
  await rename(path.join(dir, '..data_tmp'), path.join(dir, '..data'));
  for (const name of ['tls.crt', 'tls.key'])
    await symlink(path.join('..data', name), path.join(dir, name)).catch(() => undefined);
}

const outcome = (a: TlsAnswer) => ('error' in a ? 'refused' : a.status === 200 ? 'ok' : `HTTP ${a.status}`);

test('serve: mTLS with RequireAndVerifyClientCert, paths relative to the web config file', async ({
  certs,
}) => {
  const port = await findFreePort();
  const webConfig = path.join(certs.dir, 'web-mtls.yml');
  await writeFile(
    webConfig,
    [
      'tls_server_config:',
      `  cert_file: ${path.basename(certs.serverA.cert)}`,
      `  key_file: ${path.basename(certs.serverA.key)}`,
      `  client_ca_file: ${path.basename(certs.clientCa)}`,
      '  client_auth_type: RequireAndVerifyClientCert',
      '  min_version: TLS12',
      '',
    ].join('\n'),
  );
  const abort = new AbortController();
  const store = path.join(certs.dir, 'empty-bucket');
  // one process (SD_WORKERS=1): its log lines are the ones this test reads
  const env = { SD_STORE: `file:${store}`, SD_LISTEN: `127.0.0.1:${port}`, SD_AUTH: 'off', SD_WORKERS: '1' };
  const serving = runCommand(
    serveCommand,
    [],
    { ...env, SD_WEB_CONFIG_FILE: webConfig },
    { signal: abort.signal },
  );
  const url = `https://127.0.0.1:${port}/health`;
  try {
    const answer = await eventually(
      async () => {
        const a = await tlsGet(url, certs.serverCa, certs.trusted);
        if ('error' in a) throw new Error(a.error);
        return a;
      },
      { timeoutMs: 10_000, intervalMs: 50 },
    );
    assert.is(answer.status, 200);
    assert.is(answer.fingerprint256, await fingerprintOf(certs.serverA.cert));
    assert.is(outcome(await tlsGet(url, certs.serverCa)), 'refused');
    assert.is(outcome(await tlsGet(url, certs.serverCa, certs.untrusted)), 'refused');
  } finally {
    abort.abort();
  }
  const r = await serving;
  assert.is(r.code, 0, r.stderr);
  const enabled = r.logs.find((l) => l.msg === 'tls enabled');
  assert.is(enabled?.clientAuthType, 'RequireAndVerifyClientCert');
  assert.is(r.logs.find((l) => l.msg === 'server listening')?.scheme, 'https');
});

test('serve: a bad web config file is CONFIG_INVALID (exit 2) naming every problem', async ({ certs }) => {
  const webConfig = path.join(certs.dir, 'web-bad.yml');
  await writeFile(webConfig, 'tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n');
  const env = { SD_STORE: `file:${certs.dir}/x`, SD_LISTEN: '127.0.0.1:0', SD_AUTH: 'off' };
  const r = await runCommand(serveCommand, [], { ...env, SD_WEB_CONFIG_FILE: webConfig });
  assert.is(r.code, 2);
  assert.match(r.stderr, 'CONFIG_INVALID');
  assert.match(
    r.stderr,
    `tls_server_config.cert_file ${path.join(certs.dir, 'missing.crt')} cannot be read (ENOENT)`,
  );
  assert.match(r.stderr, 'tls_server_config.key_file');
});

test('serve: the certificate is reloaded when the mounted Secret changes (..data swap)', async ({
  certs,
}) => {
  const mount = path.join(certs.dir, 'mount-rotation');
  await mkdir(mount);
  await mountPair(mount, certs.serverA, '2026_01');
  const webConfig = path.join(certs.dir, 'web-rotation.yml');
  await writeFile(
    webConfig,
    `tls_server_config:\n  cert_file: ${mount}/tls.crt\n  key_file: ${mount}/tls.key\n`,
  );
  const port = await findFreePort();
  const abort = new AbortController();
  const env = {
    SD_STORE: `file:${certs.dir}/empty-bucket`,
    SD_LISTEN: `127.0.0.1:${port}`,
    SD_AUTH: 'off',
    SD_RELOAD_INTERVAL_MS: '100',
    SD_WEB_CONFIG_FILE: webConfig,
    // one process: the reload's log line is read from this process
    SD_WORKERS: '1',
  };
  const serving = runCommand(serveCommand, [], env, { signal: abort.signal });
  const url = `https://127.0.0.1:${port}/health`;
  const served = async (want: string) => {
    const a = await tlsGet(url, certs.serverCa);
    if ('error' in a) throw new Error(a.error);
    assert.is(a.fingerprint256, want);
  };
  const a = await fingerprintOf(certs.serverA.cert);
  const b = await fingerprintOf(certs.serverB.cert);
  try {
    await eventually(() => served(a), { timeoutMs: 10_000, intervalMs: 50 });
    await mountPair(mount, certs.serverB, '2026_02');
    await eventually(() => served(b), { timeoutMs: 10_000, intervalMs: 50 });
  } finally {
    abort.abort();
  }
  const r = await serving;
  assert.is(r.code, 0, r.stderr);
  const reloaded = r.logs.filter((l) => l.msg === 'tls certificate reloaded');
  assert.equal(
    reloaded.map((l) => l.fingerprint256),
    [b],
  );
});

test('a changed pair that does not load keeps the old certificate, with one warning', async ({ certs }) => {
  const mount = path.join(certs.dir, 'mount-broken');
  await mkdir(mount);
  await mountPair(mount, certs.serverA, '1');
  const captured = createCapturedLog();
  const config = parseWebConfig(
    `tls_server_config: {cert_file: ${mount}/tls.crt, key_file: ${mount}/tls.key}`,
    'w.yml',
  );
  // a long poll: the test calls check() itself
  const tls = await loadTls(config, captured.log, 3_600_000);
  const server = createNodeServer((_req, res) => res.end('ok'), {}, tls) as Server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const fingerprint = async () => {
    const answer = await tlsGet(url, certs.serverCa);
    return 'error' in answer ? answer.error : answer.fingerprint256;
  };
  try {
    assert.is(await fingerprint(), await fingerprintOf(certs.serverA.cert));
    // the certificate of B with the key of C: not a pair
    await mountPair(mount, { cert: certs.serverB.cert, key: certs.serverC.key }, '2');
    await tls.check();
    await tls.check();
    assert.is(await fingerprint(), await fingerprintOf(certs.serverA.cert));
    await mountPair(mount, certs.serverC, '3');
    await tls.check();
    assert.is(await fingerprint(), await fingerprintOf(certs.serverC.cert));
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
  const lines = captured.entries().map((l) => `${l.level} ${l.msg}`);
  assert.equal(lines, [
    'info tls enabled',
    'warn tls certificate files changed but cannot be used, keeping the previous certificate',
    'info tls certificate reloaded',
  ]);
});

test('two servers of one app (fastify binds localhost twice) both take the reloaded certificate', async ({
  certs,
}) => {
  const mount = path.join(certs.dir, 'mount-two');
  await mkdir(mount);
  await mountPair(mount, certs.serverA, '1');
  const config = parseWebConfig(
    `tls_server_config: {cert_file: ${mount}/tls.crt, key_file: ${mount}/tls.key}`,
    'w.yml',
  );
  const tls = await loadTls(config, createCapturedLog().log, 3_600_000);
  const servers = [0, 1].map(() => createNodeServer((_req, res) => res.end('ok'), {}, tls) as Server);
  for (const s of servers) await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const served = () =>
    Promise.all(
      servers.map(async (s) => {
        const a = await tlsGet(`https://127.0.0.1:${(s.address() as AddressInfo).port}/`, certs.serverCa);
        return 'error' in a ? a.error : a.fingerprint256;
      }),
    );
  try {
    const c = await fingerprintOf(certs.serverC.cert);
    await mountPair(mount, certs.serverC, '2');
    await tls.check();
    assert.equal(await served(), [c, c]);
  } finally {
    for (const s of servers) await new Promise((resolve) => s.close(resolve));
  }
});

test('the connection caps see a TLS connection busy while its request is in flight', async ({ certs }) => {
  const text = `tls_server_config: {cert_file: ${certs.serverA.cert}, key_file: ${certs.serverA.key}}`;
  const tls = await loadTls(parseWebConfig(text, 'w.yml'), createCapturedLog().log, 3_600_000);
  let release = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  let arrived = () => {};
  const inFlight = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const server = createNodeServer(
    (req, res) => {
      if (req.url === '/hold') {
        arrived();
        void held.then(() => res.end('held'));
      } else res.end('ok');
    },
    {},
    tls,
  ) as Server;
  createConnectionGuard({ max: 10, perClient: 1, firstRequestMs: 10_000 }).attach(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const first = tlsGet(`${base}/hold`, certs.serverCa);
    await inFlight;
    // the one connection this client may have is busy: the second is refused, the first is not evicted
    assert.is(outcome(await tlsGet(`${base}/`, certs.serverCa)), 'refused');
    release();
    assert.is(outcome(await first), 'ok');
  } finally {
    release();
    await new Promise((resolve) => server.close(resolve));
  }
});

test("the image's HEALTHCHECK asks over HTTPS when SD_WEB_CONFIG_FILE is set, over HTTP otherwise", async ({
  certs,
}) => {
  const dockerfile = await readFile(path.join(ROOT, 'Dockerfile'), 'utf8');
  const script = /HEALTHCHECK [^\n]*\\\n\s*CMD node -e "(.*)"$/m.exec(dockerfile)?.[1];
  assert.ok(script, 'the HEALTHCHECK command');
  const exitOf = (env: Record<string, string>) =>
    new Promise<number>((resolve) => {
      const { SD_WEB_CONFIG_FILE: _, ...inherited } = process.env;
      execFile('node', ['-e', script as string], { env: { ...inherited, ...env }, timeout: 10_000 }, (err) =>
        resolve(err ? Number(err.code ?? 1) : 0),
      );
    });
  const text = `tls_server_config: {cert_file: ${certs.serverA.cert}, key_file: ${certs.serverA.key}}`;
  const tls = await loadTls(parseWebConfig(text, 'w.yml'), createCapturedLog().log, 3_600_000);
  const https = createNodeServer(
    (req, res) => res.writeHead(req.url === '/health' ? 200 : 404).end(),
    {},
    tls,
  ) as Server;
  const http = createNodeServer(
    (req, res) => res.writeHead(req.url === '/health' ? 200 : 404).end(),
    {},
    undefined,
  ) as Server;
  for (const s of [https, http]) await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const portOf = (s: Server) => String((s.address() as AddressInfo).port);
  try {
    assert.is(await exitOf({ SD_LISTEN: `:${portOf(https)}`, SD_WEB_CONFIG_FILE: '/etc/web.yml' }), 0);
    assert.is(await exitOf({ SD_LISTEN: `0.0.0.0:${portOf(http)}` }), 0);
    // the wrong scheme fails the check
    assert.is(await exitOf({ SD_LISTEN: `:${portOf(https)}` }), 1);
    assert.is(await exitOf({ SD_LISTEN: `:${portOf(http)}`, SD_WEB_CONFIG_FILE: '/etc/web.yml' }), 1);
  } finally {
    for (const s of [https, http]) await new Promise((resolve) => s.close(resolve));
  }
});

/** The five policies against no client certificate, one the client CA signed, and one another CA signed. */
const POLICIES: [ClientAuthType, none: string, trusted: string, untrusted: string][] = [
  ['NoClientCert', 'ok', 'ok', 'ok'],
  ['RequestClientCert', 'ok', 'ok', 'ok'],
  ['RequireAnyClientCert', 'refused', 'ok', 'ok'],
  ['VerifyClientCertIfGiven', 'ok', 'ok', 'refused'],
  ['RequireAndVerifyClientCert', 'refused', 'ok', 'refused'],
];

test('client_auth_type: each of the five policies as exporter-toolkit (Go crypto/tls) applies it', async ({
  certs,
}) => {
  const got: string[][] = [];
  for (const [type] of POLICIES) {
    const ca = type === 'NoClientCert' ? '' : `, client_ca_file: ${certs.clientCa}`;
    const text = `tls_server_config: {cert_file: ${certs.serverA.cert}, key_file: ${certs.serverA.key}, client_auth_type: ${type}${ca}}`;
    const tls = await loadTls(parseWebConfig(text, 'w.yml'), createCapturedLog().log, 3_600_000);
    const server = createNodeServer((_req, res) => res.end('ok'), {}, tls) as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      got.push([
        type,
        outcome(await tlsGet(url, certs.serverCa)),
        outcome(await tlsGet(url, certs.serverCa, certs.trusted)),
        outcome(await tlsGet(url, certs.serverCa, certs.untrusted)),
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  }
  assert.equal(got, POLICIES);
});

test.run();
