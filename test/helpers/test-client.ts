/** A Confluent client for tests: fast backoff, a captured log, credentials whose leaks are easy to grep for. */
import { type ConfluentClientOptions, createConfluentClient } from '../../src/confluent/client.js';
import { discoverInventory } from '../../src/discovery/discover.js';
import type { Inventory } from '../../src/discovery/resource.js';
import { AppError } from '../../src/errors.js';
import { createSilentLogger } from '../../src/log.js';
import { type CapturedLog, createCapturedLog } from './captured-log.js';

export const TEST_KEY = 'TESTKEY123';
export const TEST_SECRET = 'test-secret-must-not-leak';

export function createTestClient(url: string, overrides: Partial<ConfluentClientOptions> = {}) {
  const captured: CapturedLog = createCapturedLog();
  const client = createConfluentClient({
    apiUrl: url,
    telemetryUrl: url,
    apiKey: TEST_KEY,
    apiSecret: TEST_SECRET,
    timeoutMs: 5000,
    concurrency: 4,
    retries: 6,
    minBackoffMs: 1,
    maxBackoffMs: 5,
    log: captured.log,
    ...overrides,
  });
  return { client, captured };
}

/** The inventory of a running simulator, discovered as `publish` does (the simulator's key, no log): for benchmarks. */
export async function discoverSimulator(url: string): Promise<Inventory> {
  const log = createSilentLogger();
  const client = createConfluentClient({
    apiUrl: url,
    telemetryUrl: url,
    apiKey: 'sim-key',
    apiSecret: 'sim-secret',
    timeoutMs: 30_000,
    concurrency: 8,
    retries: 2,
    log,
  });
  return discoverInventory({ client, log });
}

/** The AppError a promise rejects with; fails the test when it resolves or rejects with something else. */
export async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw new Error(`expected an AppError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected a rejection, the promise resolved');
}
