/** What the steps of one publish run share, and what a run answers. */
import type { Manifest, ResourceCounts } from '../bucket/manifest.js';
import { chooseRunId } from '../bucket/run-id.js';
import type { ApiStats } from '../confluent/stats.js';
import type { Inventory } from '../discovery/resource.js';
import { AppError, describeError, type ErrorCode } from '../errors.js';
import type { Logger } from '../log.js';
import type { RenderConfig } from '../render/config.js';
import type { PlanFigures } from '../render/plan.js';
import type { Store } from '../store/store.js';
import type { PublishConfig } from './config.js';
import type { WriteCounter } from './writes.js';

export interface Discovered {
  inventory: Inventory;
  api: ApiStats;
  durationMs: number;
  /** SD_CONFIG_FILE `organizations:`: every configured organisation, and those whose discovery failed. */
  organizations?: string[];
  failed?: FailedOrganization[];
}

/** An organisation whose discovery failed: its error's code and message (never a secret: errors carry none). */
export interface FailedOrganization {
  name: string;
  code: ErrorCode;
  error: string;
}

export interface PublishDeps {
  store: Store;
  discover: (signal: AbortSignal) => Promise<Discovered>;
  render: RenderConfig;
  publish: PublishConfig;
  log: Logger;
  version: string;
  /** The API key id(s) discovery authenticates with (never the secret), for the run log and the manifest. */
  apiKeyIds?: readonly string[];
  /** Where the run runs (host, pod, namespace, Job, CronJob), from the environment when present. */
  where?: Readonly<Record<string, string>>;
  now?: () => Date;
  signal?: AbortSignal;
}

export interface PublishOptions {
  /** Skip the guards and accept a corrupted `latest/manifest.json` as "no previous snapshot". */
  force?: boolean;
}

export interface PublishResult {
  /**
   * `published`: this run's snapshot is current. `unchanged`: the documents are the current snapshot's; the
   * pointer was refreshed. `superseded`: another run switched `latest/` while this one ran, and `latest/` is left
   * as that run made it (this run's snapshot, if it wrote one, is complete but not current).
   */
  outcome: 'published' | 'unchanged' | 'superseded';
  runId: string;
  /** The snapshot `latest/` points to after the run. */
  snapshot: string;
  /** The snapshot this run wrote (current when published, not when superseded); null when it wrote none. */
  written: string | null;
  previousRunId: string | null;
  resources: ResourceCounts;
  /** `unmatched`: what of the document's selection matched nothing (SD_CONFIG_FILE `documents:`), one warning each. */
  documents: { name: string; groups: number; changed: boolean; plan?: PlanFigures; unmatched?: string[] }[];
  objectsWritten: number;
  warnings: number;
  durationMs: number;
  /** Why `status.json` could not be written, when that was the run's only failure (it still ends well). */
  statusError: string | null;
  /** The run-log record's attempt id (`runs/<day>/<attemptId>.json`). */
  attemptId: string;
  /** Why the run-log record could not be written (a warning: the outcome stands). */
  runLogError: string | null;
  /**
   * Some organisations' discovery failed (SD_CONFIG_FILE `organizations:`): the documents that include one kept
   * their previous bytes or were not published, the others published. The run has failed (exit 1, status failed).
   */
  partial?: { failed: FailedOrganization[]; kept: string[]; withheld: string[] };
}

/** What the steps of one run share. */
export interface Run {
  deps: PublishDeps;
  log: Logger;
  now: () => Date;
  startedMs: number;
  signal: AbortSignal;
  force: boolean;
  out: WriteCounter;
  runId: string;
  /** The snapshot `latest/manifest.json` names since this run wrote it; undefined until then. */
  pointed?: string;
  /** The run-log record's id: the start time and a random part. */
  attemptId: string;
  startedAt: string;
  /** What `--force` let this run past (a guard, a corrupted pointer), in the order met. */
  forced: string[];
  /** From the environments discovery listed (their CRNs); empty until discovery finished. */
  organizationIds: string[];
  /** The counts discovery found; undefined until it finished. */
  resources?: ResourceCounts;
  /** The snapshot `latest/` named when the run read it. */
  previousSnapshot: string | null;
  /** When this run's write switched `latest/manifest.json` to its snapshot. */
  switchedAt?: string;
}

/** A failure once `latest/manifest.json` was written says so: the pointer did change. */
export function afterPointerError(err: AppError, snapshot: string): AppError {
  const message = `latest/ points at snapshot ${snapshot} (this run wrote latest/manifest.json), but then: ${err.message}`;
  return new AppError(err.code, message, { cause: err, retryable: err.retryable });
}

/** The clock's second, or the one after the previous run id while the clock is behind it by a bounded skew. */
export function takeRunId(run: Run, started: Date, previous: Manifest | undefined): string {
  const choice = chooseRunId(started, previous?.runId);
  const fields = { previousRunId: previous?.runId, aheadMs: choice.aheadMs, runId: choice.runId };
  if (choice.basis === 'skew-ignored')
    run.log.warn(fields, 'latest run id is far ahead of the clock; run id taken from the clock');
  else if (choice.aheadMs > 1000) run.log.warn(fields, 'clock is behind the latest run id');
  return choice.runId;
}

export function abortIfRequested(signal: AbortSignal, stage: string): void {
  if (signal.aborted)
    throw new AppError('ABORTED', `abandoned before ${stage}: ${describeError(signal.reason)}`);
}
