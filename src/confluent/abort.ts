/**
 * Waiting on the job's abort signal without a listener per wait, and the per-attempt timeout.
 *
 * Many requests wait on one signal at once (the rate gate's holds and pacing, retry delays, attempts in flight):
 * a listener each passes the EventTarget's limit of 10 and Node prints a MaxListenersExceededWarning amid the
 * JSON logs. So each signal gets one listener, which fans out to the current waiters.
 *
 * The attempt's timeout is a plain timer holding its controller: `AbortSignal.any([job, AbortSignal.timeout(ms)])`
 * can be garbage-collected on Node 20 and then never fires (nodejs/node#57736).
 */

const waitersBySignal = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `fn` once when `signal` aborts (at once if it has); returns the function that cancels it. */
export function onAbort(signal: AbortSignal, fn: () => void): () => void {
  if (signal.aborted) {
    fn();
    return () => {};
  }
  let waiters = waitersBySignal.get(signal);
  if (!waiters) {
    const created = new Set<() => void>();
    signal.addEventListener(
      'abort',
      () => {
        const due = [...created];
        created.clear();
        for (const waiter of due) waiter();
      },
      { once: true },
    );
    waitersBySignal.set(signal, created);
    waiters = created;
  }
  const own = waiters;
  const waiter = () => fn();
  own.add(waiter);
  return () => {
    own.delete(waiter);
  };
}

/** What a wait rejects with when its signal aborts; named like the platform's own (`err.name === 'AbortError'`). */
export class WaitAbortedError extends Error {
  override readonly name = 'AbortError';
}

/** Resolves after `ms`; rejects with a WaitAbortedError when `signal` aborts first. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (!signal) {
      setTimeout(resolve, ms);
      return;
    }
    if (signal.aborted) {
      reject(new WaitAbortedError('the wait was aborted', { cause: signal.reason }));
      return;
    }
    const timer = setTimeout(() => {
      cancel();
      resolve();
    }, ms);
    const cancel = onAbort(signal, () => {
      clearTimeout(timer);
      reject(new WaitAbortedError('the wait was aborted', { cause: signal.reason }));
    });
  });
}

/** A signal with a deadline and the function that ends it (clears the timer, drops the parent link). */
export interface TimeoutSignal {
  signal: AbortSignal;
  release(): void;
}

/**
 * A signal that aborts when `parent` aborts (with its reason) or after `timeoutMs` (with a DOMException named
 * `TimeoutError`, as `AbortSignal.timeout` does): one attempt under the job's signal, or a whole discovery.
 * Hold it for the whole of the work, an attempt's body read included, and release it in `finally`.
 */
export function createTimeoutSignal(parent: AbortSignal | undefined, timeoutMs: number): TimeoutSignal {
  const controller = new AbortController();
  const timer = setTimeout(() => {
    controller.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  const unlink = parent ? onAbort(parent, () => controller.abort(parent.reason)) : () => {};
  return {
    signal: controller.signal,
    release() {
      clearTimeout(timer);
      unlink();
    },
  };
}
