/**
 * The Metrics API's two request limits (reference §4.2), on fixed windows of the simulated clock: requests per
 * minute per client IP, and `/export` requests per hour per resource per principal. Pure: the caller passes the
 * time, so tests drive it with a fake clock.
 */
import {
  HOUR_MS,
  type MetricsLimitSet,
  MINUTE_MS,
  type SimWindow,
  secondsUntil,
  windowAt,
} from './metrics-limits.js';

/** One `rateLimit-*` header set: the limit, what is left after this request, whole seconds to the reset. */
export interface RateLimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

export interface IpDecision {
  allowed: boolean;
  state: RateLimitState;
}

export interface ResourceDecision {
  allowed: boolean;
  /** The requested resources over budget (`kafka.id:lkc-…`), in the order asked; empty when allowed. */
  refused: string[];
  /** The tightest requested resource's budget. */
  state: RateLimitState;
}

interface Counter {
  window: number;
  used: number;
}

export class MetricsLimiter {
  private readonly perIp = new Map<string, Counter>();
  private hourWindow = Number.NaN;
  private readonly perResource = new Map<string, number>();
  private config = '';

  /** Counts one Metrics API request of `ip`; refused (and not counted) once the minute's limit is spent. */
  takeRequest(ip: string, now: number, set: MetricsLimitSet, timeScale: number): IpDecision {
    this.follow(set, timeScale);
    const window = windowAt(now, MINUTE_MS, timeScale);
    const counter = this.perIp.get(ip);
    const used = counter?.window === window.index ? counter.used : 0;
    const limit = set.requestsPerMinutePerIp;
    const allowed = used < limit;
    const after = allowed ? used + 1 : used;
    this.perIp.set(ip, { window: window.index, used: after });
    return { allowed, state: { limit, remaining: limit - after, resetSeconds: secondsUntil(window, now) } };
  }

  /**
   * Spends one unit of the hour's budget of every resource of one `/export` request, or none when any of them is
   * spent already: the real API counts accepted requests, so a refused one costs nothing.
   */
  takeResources(
    principal: string,
    resources: readonly string[],
    now: number,
    set: MetricsLimitSet,
    timeScale: number,
  ): ResourceDecision {
    this.follow(set, timeScale);
    const window = this.rollHour(now, timeScale);
    const limit = set.exportsPerHourPerResource;
    const keys = resources.map((r) => `${principal}\u0000${r}`);
    const used = keys.map((k) => this.perResource.get(k) ?? 0);
    const refused = resources.filter((_, i) => (used[i] ?? 0) >= limit);
    const allowed = refused.length === 0;
    if (allowed) {
      for (const [i, key] of keys.entries()) this.perResource.set(key, (used[i] ?? 0) + 1);
    }
    const most = Math.max(0, ...used) + (allowed && resources.length > 0 ? 1 : 0);
    const state = { limit, remaining: Math.max(0, limit - most), resetSeconds: secondsUntil(window, now) };
    return { allowed, refused, state };
  }

  /** Forgets every window and budget. */
  reset(): void {
    this.perIp.clear();
    this.perResource.clear();
    this.hourWindow = Number.NaN;
  }

  /** A change of limits or time scale starts from fresh windows: old counts mean nothing on the new clock. */
  private follow(set: MetricsLimitSet, timeScale: number): void {
    const config = `${set.requestsPerMinutePerIp}/${set.exportsPerHourPerResource}@${timeScale}`;
    if (config === this.config) return;
    this.config = config;
    this.reset();
  }

  private rollHour(now: number, timeScale: number): SimWindow {
    const window = windowAt(now, HOUR_MS, timeScale);
    if (window.index !== this.hourWindow) {
      this.hourWindow = window.index;
      this.perResource.clear();
    }
    return window;
  }
}
