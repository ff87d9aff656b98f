/**
 * Shared pieces of the reliability suite: a publish run wired like `createPublishDeps` but with short backoffs
 * and concurrency 1 (so the simulator's seeded faults hit the same requests every time), the check that
 * `latest/manifest.json` names a complete snapshot, and a printer for the table of cases and outcomes.
 */
import type { Writable } from 'node:stream';
import { KEYS } from '../../src/bucket/keys.js';
import { parseManifest } from '../../src/bucket/manifest.js';
import { createConfluentClient } from '../../src/confluent/client.js';
import { discoverInventory } from '../../src/discovery/discover.js';
import { describeError, isAppError } from '../../src/errors.js';
import { createSilentLogger } from '../../src/log.js';
import { publishRun } from '../../src/publish/publish.js';
import type { RenderConfig } from '../../src/render/config.js';
import type { RunningSimulator } from '../../src/simulator/server.js';
import { withStoreRetry } from '../../src/store/retrying-store.js';
import type { Store } from '../../src/store/store.js';
import { sha256Hex } from './bucket.js';
import { DEFAULT_PLAN } from './render-inventory.js';

/** What the CLI renders by default (SD_TARGETS, SD_PREFIXES, SD_GROUP_BY=plan with its default budgets). */
export const RENDER: RenderConfig = {
  combinations: [
    { targets: ['api.telemetry.confluent.cloud'], prefix: '' },
    { targets: ['api.telemetry.confluent.cloud'], prefix: 'confluent_' },
  ],
  paramStyle: 'underscore',
  groupBy: 'plan',
  batchSize: 50,
  plan: DEFAULT_PLAN,
};

export interface RunOptions {
  /** Confluent client retries (default 6, the product's default). */
  apiRetries?: number;
  /** Store retries (default 2). */
  storeRetries?: number;
  /** Page size of the listings; small values make the client page (and meet expired page tokens). */
  pageSize?: number;
  apiTimeoutMs?: number;
  /** The run's clock (default the system's): a skewed clock. */
  now?: () => Date;
}

export interface RunOutcome {
  outcome: 'published' | 'unchanged' | 'superseded' | 'failed' | 'refused';
  error: string;
  errorCode: string;
  snapshot: string | null;
  /** Why status.json could not be written, when the run ended well anyway; '' otherwise. */
  statusError: string;
  /** Why the run log record could not be written, when the run ended well anyway; '' otherwise. */
  runLogError: string;
}

/** One publish run of `sim`'s organisation into `store`; never throws, reports the outcome. */
export async function runPublish(
  sim: RunningSimulator,
  store: Store,
  options: RunOptions = {},
): Promise<RunOutcome> {
  const log = createSilentLogger();
  try {
    const result = await publishRun({
      store: withStoreRetry(store, { retries: options.storeRetries ?? 2, log, minTimeoutMs: 1 }),
      discover: async (signal) => {
        const started = Date.now();
        const client = createConfluentClient({
          apiUrl: sim.url,
          telemetryUrl: sim.url,
          apiKey: 'sim-key',
          apiSecret: 'sim-secret',
          timeoutMs: options.apiTimeoutMs ?? 500,
          concurrency: 1,
          retries: options.apiRetries ?? 6,
          minBackoffMs: 5,
          maxBackoffMs: 50,
          pageSize: options.pageSize ?? 2,
          log,
          signal,
        });
        const inventory = await discoverInventory({ client, log });
        return { inventory, api: client.stats(), durationMs: Date.now() - started };
      },
      render: RENDER,
      publish: { maxShrink: 0.9 },
      log,
      version: '0.0.0-reliability',
      ...(options.now ? { now: options.now } : {}),
    });
    return {
      outcome: result.outcome,
      error: '',
      errorCode: '',
      snapshot: result.snapshot,
      statusError: result.statusError ?? '',
      runLogError: result.runLogError ?? '',
    };
  } catch (err) {
    const refused = isAppError(err, 'GUARD_EMPTY') || isAppError(err, 'GUARD_SHRINK');
    return {
      outcome: refused ? 'refused' : 'failed',
      error: describeError(err),
      errorCode: isAppError(err) ? err.code : 'UNKNOWN',
      snapshot: null,
      statusError: '',
      runLogError: '',
    };
  }
}

export interface PointerCheck {
  /** The snapshot latest/manifest.json names; null when there is none. */
  runId: string | null;
  /** Why the pointer is not a complete snapshot; [] when it is. */
  problems: string[];
  /**
   * latest/ copies that differ from the manifest (the server then reads the snapshot; a static host serves them):
   * a document's name, or `<name>.info.prom` for its info document.
   */
  staleCopies: string[];
  /** document name → sha256 of the snapshot's bytes. */
  documents: Record<string, string>;
}

/** Checks that latest/manifest.json parses and every document it names is in its snapshot with its sha256. */
export async function checkPointer(rawStore: Store): Promise<PointerCheck> {
  // a keep-alive socket the server closed while a killed run held it fails once; the product retries that too
  const store = withStoreRetry(rawStore, { retries: 2, log: createSilentLogger(), minTimeoutMs: 1 });
  const latest = await store.get(KEYS.latestManifest).catch((err: unknown) => {
    if (isAppError(err, 'STORE_NOT_FOUND')) return undefined;
    throw err;
  });
  if (!latest) return { runId: null, problems: [], staleCopies: [], documents: {} };
  const problems: string[] = [];
  const staleCopies: string[] = [];
  const documents: Record<string, string> = {};
  let manifest: ReturnType<typeof parseManifest>;
  try {
    manifest = parseManifest(latest.body.toString('utf8'), KEYS.latestManifest);
  } catch (err) {
    return { runId: null, problems: [describeError(err)], staleCopies, documents };
  }
  const read = (key: string) =>
    store.get(key).catch((err: unknown) => {
      if (isAppError(err, 'STORE_NOT_FOUND')) return undefined;
      throw err;
    });
  if (!(await read(KEYS.snapshotManifest(manifest.runId))))
    problems.push(`${KEYS.snapshotManifest(manifest.runId)} is missing`);
  for (const [name, entry] of Object.entries(manifest.documents)) {
    const snap = await read(KEYS.snapshotDocument(manifest.runId, name));
    const sha = snap ? sha256Hex(snap.body) : undefined;
    if (sha !== entry.sha256)
      problems.push(`${KEYS.snapshotDocument(manifest.runId, name)}: missing or changed`);
    if (sha) documents[name] = sha;
    const copy = await read(KEYS.latestDocument(name));
    if (!copy || sha256Hex(copy.body) !== entry.sha256) staleCopies.push(name);
    if (entry.info) {
      const info = await read(KEYS.latestInfo(name));
      if (!info || sha256Hex(info.body) !== entry.info.sha256) staleCopies.push(`${name}.info.prom`);
    }
  }
  return { runId: manifest.runId, problems, staleCopies, documents };
}

/** Prints a Markdown table (cases and outcomes) on `out`, so the test log shows what was tried. */
export function printTable(out: Writable, title: string, header: string[], rows: string[][]): void {
  const lines = [
    '',
    title,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`),
    '',
  ];
  out.write(`${lines.join('\n')}\n`);
}
