/** A Confluent client for tests: fast backoff, a captured log, credentials whose leaks are easy to grep for. */
import { type ConfluentClientOptions, createConfluentClient } from '../../src/confluent/client.js';
import { AppError } from '../../src/errors.js';
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
