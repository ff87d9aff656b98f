/**
 * The simulator plus one store (a temp directory or a bucket on s3rver) and the env variables that point a
 * publish run at both: what the publish, audit and reliability tests start from.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Env } from '../../src/config/vars.js';
import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../../src/simulator/server.js';
import { createFileStore } from '../../src/store/file-store.js';
import { createS3Store } from '../../src/store/s3-store.js';
import type { Store } from '../../src/store/store.js';
import { startS3rver } from './s3rver.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// the S3 store of the command under test reads credentials from the AWS default chain
process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';

export type StoreKind = 'file' | 's3';

export interface PublishStack {
  sim: RunningSimulator;
  /** A second handle on the store the commands write to, for the test's own reads. */
  store: Store;
  env: Env;
  s3?: Awaited<ReturnType<typeof startS3rver>>;
  cleanup: () => Promise<void>;
}

export async function startPublishStack(
  kind: StoreKind,
  options: { sim: SimulatorOptions; env?: Env; s3Prefix?: string },
): Promise<PublishStack> {
  const sim = await startSimulator({ port: 0, ...options.sim });
  const base: Env = {
    CONFLUENT_API_KEY: 'sim-key',
    CONFLUENT_API_SECRET: 'sim-secret',
    CONFLUENT_API_URL: sim.url,
    CONFLUENT_TELEMETRY_URL: sim.url,
    LOG_LEVEL: 'debug',
    ...options.env,
  };
  if (kind === 'file') {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sd-stack-'));
    return {
      sim,
      store: createFileStore(dir),
      env: { ...base, SD_STORE: `file:${dir}` },
      cleanup: async () => {
        await sim.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const s3 = await startS3rver();
  const prefix = options.s3Prefix ?? 'sd/prod';
  const store = createS3Store({
    bucket: s3.bucket,
    prefix,
    region: 'us-east-1',
    endpoint: s3.endpoint,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  return {
    sim,
    store,
    s3,
    env: { ...base, SD_STORE: `s3://${s3.bucket}/${prefix}`, S3_ENDPOINT: s3.endpoint },
    cleanup: async () => {
      await store.close();
      await sim.close();
      await s3.close();
    },
  };
}
