/**
 * The per-client rate limit's counts: one fixed window per client address, as @fastify/rate-limit's own LocalStore
 * keeps them, shared by the plugin (as its `store`) and the document fast path (fast-path.ts), so a request counts
 * once in one window whichever of them answers it.
 */

export interface WindowCount {
  /** Requests in the current window, this one included. */
  current: number;
  /** Milliseconds until the window ends. */
  ttl: number;
}

type Callback = (err: Error | null, res: WindowCount) => void;

/** Addresses remembered at most (the oldest forgotten first), as the plugin's LocalStore does. */
const MAX_CLIENTS = 5000;

export class RateWindow {
  private readonly windows = new Map<string, { current: number; startMs: number }>();

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a request of `key`. */
  take(key: string): WindowCount {
    const now = this.now();
    let w = this.windows.get(key);
    if (w && w.startMs + this.windowMs > now) {
      w.current += 1;
      // most recently used last, so the oldest client is the first key
      this.windows.delete(key);
    } else {
      w = { current: 1, startMs: now };
    }
    this.windows.set(key, w);
    if (this.windows.size > MAX_CLIENTS) {
      const oldest = this.windows.keys().next().value;
      if (oldest !== undefined) this.windows.delete(oldest);
    }
    return { current: w.current, ttl: w.startMs + this.windowMs - now };
  }

  /** The rate-limit headers of an answer that was let through, as the plugin writes them. */
  headersOf(count: WindowCount): string[] {
    return [
      'x-ratelimit-limit',
      String(this.max),
      'x-ratelimit-remaining',
      String(Math.max(0, this.max - count.current)),
      'x-ratelimit-reset',
      String(Math.ceil(count.ttl / 1000)),
    ];
  }

  // the store interface of @fastify/rate-limit
  incr(key: string, cb: Callback): void {
    cb(null, this.take(key));
  }

  read(key: string, cb: Callback): void {
    const w = this.windows.get(key);
    const now = this.now();
    if (!w || w.startMs + this.windowMs <= now) cb(null, { current: 0, ttl: 0 });
    else cb(null, { current: w.current, ttl: w.startMs + this.windowMs - now });
  }

  child(): RateWindow {
    return new RateWindow(this.max, this.windowMs, this.now);
  }
}

/** The `store` option of @fastify/rate-limit: a constructor the plugin calls with `new`, giving it `window`. */
export function asPluginStore(window: RateWindow): new () => RateWindow {
  return function SharedStore() {
    return window;
  } as unknown as new () => RateWindow;
}
