/**
 * Waiting without fixed sleeps: `eventually` re-runs a check (assertions inside) until it passes or a deadline
 * passes, then rethrows the check's last error, so a failure shows the last diff rather than "timed out".
 */
import { createServer } from 'node:net';

export interface EventuallyOptions {
  timeoutMs: number;
  /** Pause between attempts; default 250 ms. */
  intervalMs?: number;
}

export async function eventually<T>(check: () => Promise<T>, options: EventuallyOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 250;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() + intervalMs > deadline) {
        if (err instanceof Error) err.message = `still failing after ${options.timeoutMs} ms: ${err.message}`;
        throw err;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Re-reads until `read` gives a value other than undefined or false and returns it; at the deadline fails
 * naming `what`. For waits on state (a log line, a counter) rather than on assertions.
 */
export async function waitFor<T>(
  read: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  timeoutMs = 10_000,
  intervalMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A port that was free a moment ago on 127.0.0.1, for processes that must be told their port up front. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
