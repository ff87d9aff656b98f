/**
 * The e2e chain for several organisations: the simulator with two organisations → publish with SD_CONFIG_FILE
 * (`organizations:` prod and nonprod, `documents:` for two teams and one of everything) → server → one real
 * Prometheus with a scrape job per team, each with its own organisation's key, and a job that keeps one
 * organisation's groups of the shared document by its `confluent_organization` label.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Env } from '../../src/config/vars.js';
import { publishCommand } from '../../src/publish/command.js';
import { startSimulator } from '../../src/simulator/server.js';
import { E2E_TOKEN, type E2eHandle, startServeInProcess } from './e2e-stack.js';
import { writeOrganizationsConfig } from './organizations-config.js';
import { findFreePort } from './poll.js';
import { startPrometheus } from './prometheus-process.js';
import { runCommand } from './run-command.js';

/** Job name → the document it reads, the organisation whose key it scrapes with, and a `keep` on that label. */
export const ORG_JOBS = {
  'team-payments': { document: 'team-payments', organization: 0, keep: false },
  'team-platform': { document: 'team-platform', organization: 1, keep: false },
  'everything-nonprod': { document: 'everything', organization: 1, keep: true },
} as const;

function documentsFor(target: string): string {
  return `
documents:
  - name: team-payments
    targets: [${target}]
    organizations: [prod]
    environments: { include: [production] }
  - name: team-platform
    targets: [${target}]
    organizations: [nonprod]
    environments: { exclude: [production] }
    resource_types: [kafka, connector]
  - name: everything
    targets: [${target}]
`;
}

export function createOrganizationsE2eStack(): E2eHandle {
  const cleanups: (() => Promise<unknown>)[] = [];
  const handle: E2eHandle = {
    async start() {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'confluent-sd-e2e-orgs-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      const sim = await startSimulator({
        seed: 21,
        organizations: 2,
        environments: 2,
        kafkaPerEnv: 2,
        connectorsPerCluster: 1,
        port: 0,
      });
      cleanups.push(() => sim.close());
      const config = await writeOrganizationsConfig(sim, documentsFor(`127.0.0.1:${sim.port}`));
      cleanups.push(() => config.cleanup());
      const storeEnv: Env = { SD_STORE: `file:${path.join(dir, 'bucket')}`, LOG_LEVEL: 'warn' };
      const publishEnv: Env = {
        ...storeEnv,
        ...config.env,
        CONFLUENT_API_URL: sim.url,
        CONFLUENT_TELEMETRY_URL: sim.url,
      };
      const publish = (env: Env = {}) => runCommand(publishCommand, [], { ...publishEnv, ...env });
      const first = await publish();
      if (first.code !== 0) throw new Error(`first publish exited ${first.code}: ${first.stderr}`);

      const { port: serverPort, tokenFile: serverTokenFile } = await startServeInProcess(
        dir,
        storeEnv,
        cleanups,
      );

      const tokenFile = path.join(dir, 'prometheus-sd-token');
      await writeFile(tokenFile, `${E2E_TOKEN}\n`);
      const jobs = [];
      for (const [job, j] of Object.entries(ORG_JOBS)) {
        const org = sim.organizations[j.organization]!;
        const secretFile = path.join(dir, `secret-${job}`);
        await writeFile(secretFile, org.apiSecret);
        jobs.push({
          job_name: job,
          scrape_interval: '1s',
          scrape_timeout: '1s',
          honor_timestamps: true,
          scheme: 'http',
          basic_auth: { username: org.apiKey, password_file: secretFile },
          http_sd_configs: [
            {
              url: `http://127.0.0.1:${serverPort}/sd/${j.document}.json`,
              refresh_interval: '1s',
              authorization: { type: 'Bearer', credentials_file: tokenFile },
            },
          ],
          ...(j.keep
            ? {
                relabel_configs: [
                  { source_labels: ['confluent_organization'], regex: 'nonprod', action: 'keep' },
                ],
              }
            : {}),
        });
      }
      const promPort = await findFreePort();
      const configFile = path.join(dir, 'prometheus.yml');
      await writeFile(configFile, stringify({ global: { scrape_interval: '1s' }, scrape_configs: jobs }));
      const prom = await startPrometheus({ configFile, dataDir: path.join(dir, 'tsdb'), port: promPort });
      cleanups.push(() => prom.stop());
      handle.stack = {
        sim,
        prom,
        publish,
        setServerToken: (token) => writeFile(serverTokenFile, `${token}\n`),
      };
      return handle.stack;
    },
    async close() {
      const failures: unknown[] = [];
      for (const cleanup of cleanups.splice(0).reverse()) {
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
