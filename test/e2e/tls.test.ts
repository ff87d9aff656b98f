/**
 * End to end over TLS with the real Prometheus: simulator → publish → two servers (`serve`, in-process), one with
 * TLS (NoClientCert) and one with mTLS (RequireAndVerifyClientCert), certificates made by openssl. Prometheus
 * fetches the http_sd document from each with `tls_config.ca_file` (and `cert_file`/`key_file` for mTLS), and
 * scrapes the mTLS server's /metrics; a job without the client certificate gets no target.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { stringify } from 'yaml';
import { documentName } from '../../src/bucket/document-name.js';
import type { Env } from '../../src/config/vars.js';
import { publishCommand } from '../../src/publish/command.js';
import { serveCommand } from '../../src/serve/command.js';
import { startSimulator } from '../../src/simulator/server.js';
import { useE2eStack } from '../helpers/e2e-suite.js';
import { eventually, findFreePort } from '../helpers/poll.js';
import { findPrometheus, type RunningPrometheus, startPrometheus } from '../helpers/prometheus-process.js';
import { runCommand } from '../helpers/run-command.js';
import { createTestCa, tlsGet } from '../helpers/tls-certs.js';

const TOKEN = 'e2e-tls-token-0123456789abcdef';
const TARGETS_DEADLINE_MS = 40_000;

interface TlsStack {
  prom: RunningPrometheus;
  /** The `instance` of every group of the published document. */
  instances: string[];
}

const cleanups: (() => Promise<unknown>)[] = [];

async function startServer(env: Env, ca: string, client: { cert: string; key: string }): Promise<string> {
  const port = await findFreePort();
  const abort = new AbortController();
  const serving = runCommand(
    serveCommand,
    [],
    // one process: two servers in this test process must not share node:cluster's one primary
    { ...env, SD_LISTEN: `127.0.0.1:${port}`, SD_WORKERS: '1' },
    { signal: abort.signal },
  );
  cleanups.push(async () => {
    abort.abort();
    await serving;
  });
  await eventually(
    async () => {
      const a = await tlsGet(`https://127.0.0.1:${port}/ready`, ca, client);
      if ('error' in a || a.status !== 200) throw new Error(`server /ready: ${JSON.stringify(a)}`);
    },
    { timeoutMs: 10_000, intervalMs: 50 },
  );
  return `127.0.0.1:${port}`;
}

async function start(): Promise<TlsStack> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-e2e-tls-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const serverCa = await createTestCa(dir, 'server-ca');
  const clientCa = await createTestCa(dir, 'client-ca');
  // server.crt and server.key, next to the web config files that name them
  await serverCa.issue('server', 'server');
  const client = await clientCa.issue('prometheus', 'client');
  const sim = await startSimulator({
    seed: 5,
    environments: 1,
    kafkaPerEnv: 2,
    connectorsPerCluster: 1,
    port: 0,
  });
  cleanups.push(() => sim.close());

  const store: Env = { SD_STORE: `file:${path.join(dir, 'bucket')}`, LOG_LEVEL: 'warn' };
  const target = `127.0.0.1:${sim.port}`;
  const published = await runCommand(publishCommand, [], {
    ...store,
    CONFLUENT_API_KEY: 'sim-key',
    CONFLUENT_API_SECRET: 'sim-secret',
    CONFLUENT_API_URL: sim.url,
    CONFLUENT_TELEMETRY_URL: sim.url,
    SD_TARGETS: target,
    SD_PREFIXES: 'confluent_',
  });
  if (published.code !== 0) throw new Error(`publish exited ${published.code}: ${published.stderr}`);
  const doc = documentName({ targets: [target], prefix: 'confluent_' });
  const groups = JSON.parse(await readFile(path.join(dir, 'bucket', 'latest', `${doc}.json`), 'utf8'));
  const instances = (groups as { labels: Record<string, string> }[])
    .map((g) => g.labels.instance ?? '')
    .sort();

  const tokenFile = path.join(dir, 'token');
  await writeFile(tokenFile, `${TOKEN}\n`);
  const webConfig = async (name: string, extra: string) => {
    const file = path.join(dir, name);
    await writeFile(file, `tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n${extra}`);
    return file;
  };
  const serverEnv: Env = { ...store, SD_BEARER_TOKEN_FILE: tokenFile, SD_RELOAD_INTERVAL_MS: '200' };
  const tlsAddress = await startServer(
    { ...serverEnv, SD_WEB_CONFIG_FILE: await webConfig('web-tls.yml', '') },
    serverCa.cert,
    client,
  );
  const mtls = '  client_ca_file: client-ca.crt\n  client_auth_type: RequireAndVerifyClientCert\n';
  const mtlsAddress = await startServer(
    { ...serverEnv, SD_WEB_CONFIG_FILE: await webConfig('web-mtls.yml', mtls) },
    serverCa.cert,
    client,
  );

  const sd = (address: string, tls: Record<string, string>) => ({
    url: `https://${address}/sd/${doc}.json`,
    refresh_interval: '2s',
    authorization: { type: 'Bearer', credentials_file: tokenFile },
    tls_config: tls,
  });
  const caOnly = { ca_file: serverCa.cert };
  const withCert = { ...caOnly, cert_file: client.cert, key_file: client.key };
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '1s' },
    scrape_configs: [
      { job_name: 'sd-tls', http_sd_configs: [sd(tlsAddress, caOnly)] },
      { job_name: 'sd-mtls', http_sd_configs: [sd(mtlsAddress, withCert)] },
      { job_name: 'sd-mtls-without-cert', http_sd_configs: [sd(mtlsAddress, caOnly)] },
      {
        job_name: 'server-metrics-mtls',
        scheme: 'https',
        tls_config: withCert,
        static_configs: [{ targets: [mtlsAddress] }],
      },
    ],
  };
  const configFile = path.join(dir, 'prometheus.yml');
  await writeFile(configFile, stringify(config));
  const prom = await startPrometheus({
    configFile,
    dataDir: path.join(dir, 'tsdb'),
    port: await findFreePort(),
  });
  cleanups.push(() => prom.stop());
  return { prom, instances };
}

const handle = {
  start,
  async close() {
    // last started, first stopped; every cleanup runs even when one fails
    const failures: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((err) => failures.push(err));
    if (failures.length > 0) throw new AggregateError(failures, 'e2e tls stack: cleanup failed');
  },
};

const NAMES = [
  'http_sd over TLS (tls_config.ca_file): every group of the document is a target',
  'http_sd over mTLS (cert_file/key_file): every group is a target; without the client certificate none',
  "Prometheus scrapes the mTLS server's /metrics with its client certificate",
];
const version = await findPrometheus();
const test = suite<TlsStack>('e2e: real Prometheus over TLS', {} as TlsStack);

if (useE2eStack(test, handle, version, 'the TLS end-to-end test', NAMES)) {
  const instancesOf = async (prom: RunningPrometheus, job: string) =>
    (await prom.activeTargets(job)).map((t) => t.labels.instance ?? '').sort();

  test(NAMES[0]!, async ({ prom, instances }) => {
    assert.ok(instances.length >= 3, `the document has ${instances.length} groups`);
    await eventually(async () => assert.equal(await instancesOf(prom, 'sd-tls'), instances), {
      timeoutMs: TARGETS_DEADLINE_MS,
    });
  });

  test(NAMES[1]!, async ({ prom, instances }) => {
    await eventually(async () => assert.equal(await instancesOf(prom, 'sd-mtls'), instances), {
      timeoutMs: TARGETS_DEADLINE_MS,
    });
    // the same server refused the job that has no client certificate: failed refreshes, no target
    await eventually(
      async () => assert.ok((await prom.selfMetric('prometheus_sd_http_failures_total')) > 0, prom.output()),
      { timeoutMs: TARGETS_DEADLINE_MS },
    );
    assert.equal(await instancesOf(prom, 'sd-mtls-without-cert'), []);
  });

  test(NAMES[2]!, async ({ prom }) => {
    await eventually(
      async () => {
        const [target] = await prom.activeTargets('server-metrics-mtls');
        assert.is(target?.health, 'up', target?.lastError);
      },
      { timeoutMs: TARGETS_DEADLINE_MS },
    );
    const up = await prom.query('confluent_sd_build_info{job="server-metrics-mtls"}');
    assert.is(up.length, 1);
  });
}

test.run();
