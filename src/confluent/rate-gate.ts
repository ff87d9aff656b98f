/**
 * Proactive slow-down for one API host. When an answer says the rate-limit window is nearly used up
 * (`X-RateLimit-Remaining` below the concurrency, so the requests already in flight cannot overrun it) or a
 * 429 names a wait, new requests to that host are held until the window resets. The host is then used at its
 * limit instead of being hit by a storm of 429s.
 *
 * When the answers also say how many requests a window allows (`X-RateLimit-Limit`), requests are paced evenly
 * at a little under that rate: a burst that empties the window early would otherwise wait for a reset that
 * the headers only give in whole seconds, leaving much of each window unused.
 */
import { sleep } from './abort.js';
import { MAX_HEADER_DELAY_MS, type RateLimitInfo } from './retry-policy.js';

export interface RateGate {
  /** Resolves when new requests may go out; rejects with an AbortError when the signal aborts. */
  wait(signal?: AbortSignal): Promise<void>;
  /** Feeds the rate-limit headers of an answer (any status). */
  observe(info: RateLimitInfo, status: number): void;
  /** Milliseconds new requests are held from `nowMs` (0 when open). */
  heldForMs(nowMs: number): number;
  /** Takes the next evenly spaced send slot and waits for it (at once while no limit is known). */
  pace(signal?: AbortSignal): Promise<void>;
  /** Milliseconds between two paced sends (0 while no limit is known). */
  spacingMs(): number;
}

/** Share of the advertised limit that pacing aims at, so clock skew and rounding never overrun a window. */
export const PACE_SHARE = 0.95;

export interface RateGateOptions {
  /** Hold when fewer requests than this remain in the window; the client's concurrency. */
  threshold: number;
  now?: () => number;
}

export function createRateGate(options: RateGateOptions): RateGate {
  const now = options.now ?? Date.now;
  let openAt = 0;
  let windowMs = 0;
  let spacingMs = 0;
  let nextSlotAt = 0;

  function holdUntil(at: number): void {
    if (at > openAt) openAt = at;
  }

  return {
    async wait(signal) {
      for (let left = openAt - now(); left > 0; left = openAt - now()) {
        await sleep(left, signal);
      }
    },
    observe(info, status) {
      const at = now();
      if (status === 429) {
        const wait = info.retryAfterMs ?? info.resetMs;
        if (wait !== undefined) holdUntil(at + Math.min(wait, MAX_HEADER_DELAY_MS));
        return;
      }
      if (info.resetMs === undefined) return;
      if (info.limit !== undefined && info.limit > 0) {
        // the reset is the time left in the current window, so the longest one seen (in whole seconds) is the window
        windowMs = Math.max(
          windowMs,
          Math.ceil(Math.min(info.resetMs, MAX_HEADER_DELAY_MS) / 1000) * 1000,
          1000,
        );
        spacingMs = windowMs / (info.limit * PACE_SHARE);
      }
      if (info.remaining === undefined) return;
      // Holds only ever expire with time: a later answer with plenty remaining may come from another scope.
      if (info.remaining < options.threshold) holdUntil(at + Math.min(info.resetMs, MAX_HEADER_DELAY_MS));
    },
    heldForMs(nowMs) {
      return Math.max(0, openAt - nowMs);
    },
    spacingMs: () => spacingMs,
    async pace(signal) {
      if (spacingMs === 0) return;
      const at = now();
      const slot = Math.max(at, nextSlotAt);
      nextSlotAt = slot + spacingMs;
      if (slot > at) await sleep(slot - at, signal);
    },
  };
}
