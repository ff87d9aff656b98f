/**
 * The whole chain on loopback for the e2e test: simulator → publish (file store) → server (serve command,
 * in-process) → a real Prometheus configured from k8s/prometheus/prometheus.yml. Whatever started is stopped by
 * `close()`, also when start-up fails halfway.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { documentName } from '../../src/bucket/document-name.js';
import type { Env } from '../../src/config/vars.js';
import { publishCommand } from '../../src/publish/command.js';
import { serveCommand } from '../../src/serve/command.js';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../../src/simulator/server.js';
import { buildE2eConfig, readShippedConfig } from './e2e-prometheus-config.js';
import { eventually, findFreePort } from './poll.js';
import { type RunningPrometheus, startPrometheus } from './prometheus-process.js';
import { type CommandRun, runCommand } from './run-command.js';

export const E2E_TOKEN = 'e2e-token-0123456789abcdef';

/**
 * `serve` in this process with E2E_TOKEN and `env`, one process (the test process is no node:cluster primary),
 * stopped by `cleanups`; resolves with its port and token file once `/ready` answers 200.
 */
export async function startServeInProcess(
  dir: string,
  env: Env,
  cleanups: (() => Promise<unknown>)[],
): Promise<{ port: number; tokenFile: string }> {
  const port = await findFreePort();
  const tokenFile = path.join(dir, 'server-tokens');
  await writeFile(tokenFile, `${E2E_TOKEN}\n`);
  const abort = new AbortController();
  const serverEnv: Env = {
    ...env,
    SD_LISTEN: `127.0.0.1:${port}`,
    SD_BEARER_TOKEN_FILE: tokenFile,
    SD_WORKERS: '1',
  };
  const serving = runCommand(serveCommand, [], serverEnv, { signal: abort.signal });
  cleanups.push(async () => {
    abort.abort();
    await serving;
  });
  await eventually(
    async () => {
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      if (res.status !== 200) throw new Error(`server /ready answered ${res.status}`);
    },
    { timeoutMs: 10_000, intervalMs: 50 },
  );
  return { port, tokenFile };
}

export interface E2eStack {
  sim: RunningSimulator;
  prom: RunningPrometheus;
  /** One publish run, with `env` over the stack's own; resolves with its result (the caller asserts the exit code). */
  publish(env?: Env): Promise<CommandRun>;
  /** Replaces the server's token file; Prometheus's credentials_file keeps the token it had. */
  setServerToken(token: string): Promise<void>;
}

export interface E2eHandle {
  /** Undefined until start() resolved. */
  stack?: E2eStack;
  start(): Promise<E2eStack>;
  close(): Promise<void>;
}

export interface E2eStackOptions {
  /** Path and query of Prometheus's http_sd URL on the server (default `/sd/<the confluent_ document>.json`). */
  sdPath?: (sim: RunningSimulator) => string;
}

export function createE2eStack(
  simOptions: SimulatorOptions,
  extraPublishEnv: Env = {},
  options: E2eStackOptions = {},
): E2eHandle {
  const handle: E2eHandle & { cleanups: (() => Promise<unknown>)[] } = {
    cleanups: [],
    async start() {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-e2e-'));
      handle.cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const sim = await startSimulator({ ...simOptions, port: 0 });
      handle.cleanups.push(() => sim.close());

      const storeEnv: Env = { SD_STORE: `file:${path.join(dir, 'bucket')}`, LOG_LEVEL: 'warn' };
      const publishEnv: Env = {
        ...storeEnv,
        CONFLUENT_API_KEY: 'sim-key',
        CONFLUENT_API_SECRET: 'sim-secret',
        CONFLUENT_API_URL: sim.url,
        CONFLUENT_TELEMETRY_URL: sim.url,
        // Prometheus scrapes the simulator's /export; both prefixes as the shipped ConfigMap publishes them
        SD_TARGETS: `127.0.0.1:${sim.port}`,
        SD_PREFIXES: ',confluent_',
        ...extraPublishEnv,
      };
      const publish = (env: Env = {}) => runCommand(publishCommand, [], { ...publishEnv, ...env });
      const first = await publish();
      if (first.code !== 0) throw new Error(`first publish exited ${first.code}: ${first.stderr}`);

      const { port: serverPort, tokenFile: serverTokenFile } = await startServeInProcess(
        dir,
        { ...storeEnv, SD_RELOAD_INTERVAL_MS: '200' },
        handle.cleanups,
      );

      const promTokenFile = path.join(dir, 'prometheus-sd-token');
      const apiSecretFile = path.join(dir, 'prometheus-api-secret');
      await writeFile(promTokenFile, `${E2E_TOKEN}\n`);
      await writeFile(apiSecretFile, 'sim-secret');
      const doc = documentName({ targets: [`127.0.0.1:${sim.port}`], prefix: 'confluent_' });
      const promPort = await findFreePort();
      const config = buildE2eConfig(readShippedConfig(), {
        sdUrl: `http://127.0.0.1:${serverPort}${options.sdPath?.(sim) ?? `/sd/${doc}.json`}`,
        tokenFile: promTokenFile,
        apiKey: 'sim-key',
        apiSecretFile,
        serverAddress: `127.0.0.1:${serverPort}`,
        infoPath: `/sd/${doc}.info.prom`,
        selfAddress: `127.0.0.1:${promPort}`,
      });
      const configFile = path.join(dir, 'prometheus.yml');
      await writeFile(configFile, stringify(config));
      const prom = await startPrometheus({
        configFile,
        dataDir: path.join(dir, 'tsdb'),
        port: promPort,
      });
      handle.cleanups.push(() => prom.stop());

      handle.stack = {
        sim,
        prom,
        publish,
        setServerToken: (token) => writeFile(serverTokenFile, `${token}\n`),
      };
      return handle.stack;
    },
    async close() {
      // last started, first stopped: Prometheus, then the server, the simulator, the temp dir
      const failures: unknown[] = [];
      for (const cleanup of handle.cleanups.splice(0).reverse()) {
        try {
          await cleanup();
        } catch (err) {
          failures.push(err);
        }
      }
      if (failures.length > 0) throw new AggregateError(failures, 'e2e stack: cleanup failed');
    },
  };
  return handle;
}
