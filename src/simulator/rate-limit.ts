/**
 * A fixed one-second-window request limit with the headers of the management APIs (reference §4.1):
 * `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (relative seconds), `Retry-After` on 429.
 */

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class FixedWindowLimiter {
  private window = Number.NaN;
  private used = 0;

  /** Counts one request against `limit` per second and says whether it may pass. */
  take(now: number, limit: number): RateDecision {
    this.roll(now);
    const allowed = this.used < limit;
    if (allowed) this.used += 1;
    const headers = this.headers(now, limit);
    if (!allowed) headers['Retry-After'] = headers['X-RateLimit-Reset']!;
    return { allowed, headers };
  }

  /** The headers for a request that does not count (the admin API). */
  peek(now: number, limit: number): Record<string, string> {
    this.roll(now);
    return this.headers(now, limit);
  }

  private roll(now: number): void {
    const window = Math.floor(now / 1000);
    if (window !== this.window) {
      this.window = window;
      this.used = 0;
    }
  }

  private headers(now: number, limit: number): Record<string, string> {
    const resetSeconds = Math.max(1, Math.ceil(((this.window + 1) * 1000 - now) / 1000));
    return {
      'X-RateLimit-Limit': String(limit),
      'X-RateLimit-Remaining': String(Math.max(0, limit - this.used)),
      'X-RateLimit-Reset': String(resetSeconds),
    };
  }
}
