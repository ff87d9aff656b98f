/**
 * Wiring of a publish run from configuration: the Confluent client, discovery under the run's deadline with its
 * progress log, and the store with its one retry layer. Shared by `publish`, `schedule` and `demo`.
 */

import { readSigningKey, type SigningKeyConfig } from '../config/signing-keys.js';
import { createTimeoutSignal } from '../confluent/abort.js';
import { type ConfluentClient, createConfluentClient } from '../confluent/client.js';
import type { ConfluentConfig } from '../confluent/config.js';
import type { DiscoveryConfig } from '../discovery/config.js';
import { type DiscoveryProgress, discoverInventory } from '../discovery/discover.js';
import { AppError, isAppError } from '../errors.js';
import type { Logger } from '../log.js';
import type { RenderConfig } from '../render/config.js';
import type { Store } from '../store/store.js';
import { VERSION } from '../version.js';
import { formatDuration, type PublishPartConfig } from './config.js';
import { createOrganizationsDiscover } from './organizations.js';
import type { Discovered, PublishDeps } from './publish.js';
import { withManifestSignatures } from './signing-store.js';

export interface DiscoverOptions extends DiscoveryConfig {
  /** SD_RUN_TIMEOUT: discovery is stopped after this long; none when undefined. */
  runTimeoutMs?: number;
  /** How often progress is logged at info while discovery runs; default 5000. */
  progressIntervalMs?: number;
}

const DEFAULT_PROGRESS_INTERVAL_MS = 5000;

export function createDiscover(
  config: ConfluentConfig,
  log: Logger,
  options: DiscoverOptions = {},
): (signal: AbortSignal) => Promise<Discovered> {
  return async (signal) => {
    const started = Date.now();
    const { runTimeoutMs } = options;
    const run =
      runTimeoutMs === undefined ? { signal, release() {} } : createTimeoutSignal(signal, runTimeoutMs);
    const client = createConfluentClient({ ...config, log, signal: run.signal });
    const progress = startProgressLog(
      client,
      log,
      options.progressIntervalMs ?? DEFAULT_PROGRESS_INTERVAL_MS,
    );
    try {
      const inventory = await discoverInventory({
        client,
        log,
        onProgress: progress.update,
        ...(options.resourceTypes ? { resourceTypes: options.resourceTypes } : {}),
      });
      return { inventory, api: client.stats(), durationMs: Date.now() - started };
    } catch (err) {
      // the run's signal aborted but not the job's: the deadline passed
      if (runTimeoutMs !== undefined && run.signal.aborted && !signal.aborted && isAppError(err, 'ABORTED'))
        throw deadlineError(runTimeoutMs, client, progress.last(), err);
      throw err;
    } finally {
      progress.stop();
      run.release();
    }
  };
}

/** Logs at info every `intervalMs` how far discovery got; stopped by the caller in `finally`. */
function startProgressLog(client: ConfluentClient, log: Logger, intervalMs: number) {
  const started = Date.now();
  let last: DiscoveryProgress = { environments: undefined, environmentsDone: 0 };
  const timer = setInterval(() => {
    const { requests, throttled, retries, failures } = client.stats();
    log.info(
      {
        environmentsDone: last.environmentsDone,
        environments: last.environments ?? null,
        requests,
        throttled,
        retries,
        failures,
        elapsedMs: Date.now() - started,
      },
      'discovery in progress',
    );
  }, intervalMs);
  timer.unref();
  return {
    update: (progress: DiscoveryProgress) => {
      last = progress;
    },
    last: () => last,
    stop: () => clearInterval(timer),
  };
}

function deadlineError(
  runTimeoutMs: number,
  client: ConfluentClient,
  progress: DiscoveryProgress,
  cause: AppError,
): AppError {
  const environments =
    progress.environments === undefined
      ? 'before the environments were listed'
      : `${progress.environmentsDone} of ${progress.environments} environments done`;
  return new AppError(
    'API_UNAVAILABLE',
    `discovery stopped at the run deadline (SD_RUN_TIMEOUT ${formatDuration(runTimeoutMs)}) after ` +
      `${client.stats().requests} requests, ${environments}`,
    { cause, retryable: true },
  );
}

/** One organisation (the CONFLUENT_API_* variables), or every one SD_CONFIG_FILE `organizations:` lists. */
export function createJobDiscover(
  config: ConfluentConfig,
  log: Logger,
  options: DiscoverOptions = {},
): (signal: AbortSignal) => Promise<Discovered> {
  return config.organizations
    ? createOrganizationsDiscover(config, config.organizations, log, (c, l) => createDiscover(c, l, options))
    : createDiscover(config, log, options);
}

export function createPublishDeps(
  config: {
    confluent: ConfluentConfig;
    discovery?: DiscoveryConfig;
    render: RenderConfig;
    publish: PublishPartConfig;
    where?: Readonly<Record<string, string>>;
    signing?: SigningKeyConfig;
  },
  store: Store,
  log: Logger,
  signal?: AbortSignal,
): PublishDeps {
  const keyFile = config.signing?.signingKeyFile;
  const options = { runTimeoutMs: config.publish.runTimeoutMs, ...config.discovery };
  return {
    store: keyFile === undefined ? store : withManifestSignatures(store, readSigningKey(keyFile)),
    discover: createJobDiscover(config.confluent, log, options),
    render: config.render,
    publish: config.publish,
    log,
    version: VERSION,
    // the key id names the key; the secret never leaves the client
    apiKeyIds: config.confluent.organizations?.map((o) => o.apiKey) ?? [config.confluent.apiKey],
    where: config.where ?? {},
    ...(signal ? { signal } : {}),
  };
}
