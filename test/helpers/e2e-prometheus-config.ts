/**
 * The e2e Prometheus config, derived from the shipped k8s/prometheus/prometheus.yml so the test exercises it:
 * only addresses, file paths, intervals and the scheme change (loopback, plain http, 1 s instead of minutes);
 * every other key of the jobs (honor_timestamps, authorization type, basic_auth…) is kept as shipped.
 */
import path from 'node:path';
import { type Obj, PROMETHEUS_DIR, readYaml } from './k8s-manifests.js';

export const CLOUD_JOB = 'confluent-cloud';
export const SERVER_JOB = 'confluent-sd';
export const INFO_JOB = 'confluent-sd-info';
export const SELF_JOB = 'prometheus';

export interface E2eConfigInput {
  /** The SD document URL on the loopback server. */
  sdUrl: string;
  /** The file Prometheus reads its SD bearer token from. */
  tokenFile: string;
  /** The simulator's API key and the file holding its secret (scrapes of /export). */
  apiKey: string;
  apiSecretFile: string;
  /** host:port of the server's /metrics, for the confluent-sd job. */
  serverAddress: string;
  /** The info document's path on that server (`/sd/<doc>.info.prom`); the confluent-sd-info job is left out without it. */
  infoPath?: string;
  /** Prometheus' own host:port: a `prometheus` job scrapes it (the SD alerts and panels read its metrics). */
  selfAddress?: string;
}

function jobOf(config: Obj, name: string): Obj {
  const job = (config.scrape_configs as Obj[]).find((j) => j.job_name === name);
  if (!job) throw new Error(`k8s/prometheus/prometheus.yml has no job ${name}`);
  return job;
}

export function readShippedConfig(): Obj {
  return readYaml(path.join(PROMETHEUS_DIR, 'prometheus.yml'));
}

export function buildE2eConfig(shipped: Obj, input: E2eConfigInput): Obj {
  const cloud = jobOf(shipped, CLOUD_JOB);
  const server = jobOf(shipped, SERVER_JOB);
  const sd = (cloud.http_sd_configs as Obj[])[0];
  if (!sd || (cloud.http_sd_configs as Obj[]).length !== 1) {
    throw new Error(`${CLOUD_JOB} must have exactly one http_sd_configs entry`);
  }
  const { dns_sd_configs: _dns, ...serverRest } = server;
  return {
    ...shipped,
    global: { ...shipped.global, scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: [path.join(PROMETHEUS_DIR, 'alerts.yaml')],
    scrape_configs: [
      {
        ...cloud,
        scrape_interval: '1s',
        scrape_timeout: '1s',
        scheme: 'http',
        basic_auth: { ...cloud.basic_auth, username: input.apiKey, password_file: input.apiSecretFile },
        http_sd_configs: [
          {
            ...sd,
            url: input.sdUrl,
            refresh_interval: '1s',
            authorization: { ...sd.authorization, credentials_file: input.tokenFile },
          },
        ],
      },
      // the pods' DNS name does not exist here: the one loopback server stands in for the headless Service
      { ...serverRest, scrape_interval: '1s', static_configs: [{ targets: [input.serverAddress] }] },
      ...(input.infoPath ? [buildInfoJob(shipped, input, input.infoPath)] : []),
      ...(input.selfAddress
        ? [{ job_name: SELF_JOB, static_configs: [{ targets: [input.selfAddress] }] }]
        : []),
    ],
  };
}

/** The shipped confluent-sd-info job against the loopback server (it stands in for the Service as well). */
function buildInfoJob(shipped: Obj, input: E2eConfigInput, infoPath: string): Obj {
  const info = jobOf(shipped, INFO_JOB);
  return {
    ...info,
    scrape_interval: '1s',
    scrape_timeout: '1s',
    metrics_path: infoPath,
    authorization: { ...info.authorization, credentials_file: input.tokenFile },
    static_configs: [{ targets: [input.serverAddress] }],
  };
}
