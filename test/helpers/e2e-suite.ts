/**
 * What every e2e file shares: without a prometheus binary its tests are skipped loudly (and fail when CI=true);
 * otherwise the stack starts once before them, a start-up error fails every test, and the stack is closed after.
 */
import type { Test } from 'uvu';
import * as assert from 'uvu/assert';
import type { E2eHandle, E2eStack } from './e2e-stack.js';
import { PROMETHEUS_BIN } from './prometheus-process.js';

/** True when the caller should define its tests (Prometheus is there). */
export function useE2eStack<S = E2eStack>(
  test: Test<S>,
  handle: Pick<E2eHandle, 'close'> & { start(): Promise<S> },
  version: string | undefined,
  what: string,
  names: readonly string[],
): boolean {
  if (version === undefined) {
    const message = `prometheus binary not found (${PROMETHEUS_BIN}): ${what} did not run`;
    if (process.env.CI === 'true')
      test('prometheus is installed (required when CI=true)', () => assert.unreachable(message));
    else {
      process.stderr.write(
        `\n!!! SKIPPED: ${message} (install the prometheus package or set PROMETHEUS) !!!\n\n`,
      );
      for (const name of names) test.skip(name, () => {});
    }
    return false;
  }
  // uvu 0.5 swallows an error thrown by a before hook (its runner returns from `finally`): keep it and fail every
  // test with it instead
  let startError: unknown;
  test.before(async (ctx) => {
    try {
      Object.assign(ctx, await handle.start());
    } catch (err) {
      startError = err;
    }
  });
  test.before.each(() => {
    if (startError) throw startError;
  });
  test.after(async () => {
    await handle.close();
  });
  return true;
}
